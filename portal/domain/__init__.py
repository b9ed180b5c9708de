"""Domain logic: no request, session or flash in here."""

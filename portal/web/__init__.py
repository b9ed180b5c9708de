"""The web layer: the only code that touches request, session or flash."""

"""Codebooks in the portal: browse, edit, version, exchange, re-run the engine."""

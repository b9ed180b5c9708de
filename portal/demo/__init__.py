"""Invented demo data for Uptake: no real person or patient is behind any of it."""

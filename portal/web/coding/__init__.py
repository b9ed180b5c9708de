"""Coding: review queue, blind double-coding, reconciliation, agreement."""

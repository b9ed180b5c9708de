"""The collect blueprint."""

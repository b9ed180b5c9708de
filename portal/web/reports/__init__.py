"""The printable readiness report per service."""

"""Adversarial tests: forged, malformed, fuzzed and cross-tenant requests change nothing."""

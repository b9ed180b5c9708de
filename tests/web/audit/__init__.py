"""Tests of the audit blueprint."""

"""Tests of the data blueprint."""

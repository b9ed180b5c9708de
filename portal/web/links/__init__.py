"""The links blueprint."""

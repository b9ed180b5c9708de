"""The data blueprint: erasure of a response on request."""

"""Coding responses against codebooks; the static embedding model ships in model/."""

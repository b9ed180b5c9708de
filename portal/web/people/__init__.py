"""The people blueprint: administrators manage staff accounts."""

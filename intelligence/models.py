"""State of the intelligence app."""

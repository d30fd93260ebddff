"""State of the schemes app."""

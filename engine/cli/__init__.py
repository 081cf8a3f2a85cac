"""The fairchance command line."""

"""The case: its model, loading and checks, its JSON Schema, and the facts rules read from it."""

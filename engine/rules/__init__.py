"""Declarative rule files: the condition language, loading, linting and evaluation with a trace."""

"""Shared fixtures: `rules_copy` is a copy of rules/ that a test may change."""

from rules_copy import rules_copy  # noqa: F401 - a fixture, found by pytest through this module

"""fairchance: a rules engine for fair recruitment decisions (DBS and occupational health)."""

__version__ = "0.1.0"

"""Occupational health: its facts, the adjustments catalogue and parameters, the report section, the
manager's summary and the passport."""

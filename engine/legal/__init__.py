"""The legal layer: spent dates, drag-through, filtering and what may be considered."""

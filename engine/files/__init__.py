"""Reading input files: YAML with line numbers, problems that name file and line, validation against a model."""

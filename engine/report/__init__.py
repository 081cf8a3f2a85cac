"""The report: the rules loaded once, the fact catalogue assembled, the assessment pipeline and the report document."""

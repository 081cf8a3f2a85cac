"""Services over the engine and the store: access control for the app, the demo, the casebank, rules impact."""

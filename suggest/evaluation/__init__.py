"""Evaluation: pure metrics, benchmark loaders, the runner and the report writer."""

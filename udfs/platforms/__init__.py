"""Managed platforms: what a job needs to run on EMR (step and cluster definitions)."""

"""Findings -> what users read: suppressions, baselines, rule docs, and one formatter per
output format."""

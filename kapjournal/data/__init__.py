"""Reviewable data files: crisis resources by country and the risk keyword list."""

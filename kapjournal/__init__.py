"""kapjournal: a private, encrypted journal for ketamine-assisted psychotherapy."""

__version__ = "0.1.0"

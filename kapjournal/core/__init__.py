"""The UI-free core: crypto, vault, models, journal, search, export.

Nothing in this package imports Textual or click, and nothing prints.
"""

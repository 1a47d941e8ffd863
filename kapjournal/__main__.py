"""``python -m kapjournal`` runs the CLI."""

from kapjournal.cli import main

main()

"""Reusable widgets that know nothing about the vault."""

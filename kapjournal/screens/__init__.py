"""Screens: one user task each (see STYLE.md section 2)."""

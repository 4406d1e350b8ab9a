"""Jinja templates of the audit views (the printable record of processing)."""

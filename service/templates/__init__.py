"""Jinja2 templates, the stylesheet and the review-queue script of the /ui pages (inlined under a CSP nonce)."""

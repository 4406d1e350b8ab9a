"""Curation stage: dedup, quality filters, balancing and leak-free splits (issue 3)."""

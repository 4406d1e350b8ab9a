"""Bundled sample data and its generator."""

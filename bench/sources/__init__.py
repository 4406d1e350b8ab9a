"""Evaluation-only sources of labelled text for the PII benchmark."""

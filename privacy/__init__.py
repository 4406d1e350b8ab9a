"""Privacy stage: detect personal data with Presidio + UK/EU recognizers and redact it under a policy."""

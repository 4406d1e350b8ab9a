"""UK/EU recognizers, one group per module, registered explicitly in `registry`."""

"""The learned name/address detector: corpus recipe, training, loading."""

"""Training stage: gated LoRA/QLoRA fine-tuning and memorisation probes."""

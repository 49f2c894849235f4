"""Training a small LoRA adapter for the encoder (`cde-suggest train`): pairs, hard negatives, the loop, the card."""

"""Supervised fine-tuning of the refiner on ``refiner_sft`` (loss on the program tokens only)."""

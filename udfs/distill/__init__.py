"""Distillation on Spark: expert pairs -> chunk-level refiner training pairs (``refiner_sft``)."""

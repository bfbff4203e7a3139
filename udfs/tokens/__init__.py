"""Token Cleaning kernels: SFT formatting, per-token scoring and token selection (no Spark)."""

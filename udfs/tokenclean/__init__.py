"""Token Cleaning on Spark: scoring UDFs, global and per-sample selection, masks, self-evolving rounds."""

"""How good a refinement is against labelled data (pure Python: no Spark, no torch)."""

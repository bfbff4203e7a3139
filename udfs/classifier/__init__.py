"""The learned line classifier (pure: no pyspark): features, model, training, deletion programs."""

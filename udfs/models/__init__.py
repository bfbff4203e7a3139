"""Offline model assets: where the models come from and how to load them."""

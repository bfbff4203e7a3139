"""The committed sample data (data/sample/) and the labelled boilerplate set built from it."""

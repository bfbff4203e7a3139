"""Program generation for the refine job: backends that write deletion programs.

``rules.py`` is the embedded default backend (deterministic heuristics, no weights).
"""

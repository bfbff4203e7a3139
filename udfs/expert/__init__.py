"""The expert stage of RefineX: an expert LM refines a corpus sample end to end,
deleting only; its answers are parsed, checked and kept in ``expert_pairs``."""

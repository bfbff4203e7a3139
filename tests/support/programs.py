"""What the deletion-program tests and bench_program share: a check of "only deletes", and
program shapes built to provoke quadratic work."""
from __future__ import annotations


def is_subsequence(short: str, long: str) -> bool:
    """``short`` is ``long`` with characters deleted (and none added, changed or moved)."""
    remaining = iter(long)
    return all(char in remaining for char in short)


# n -> a program of that family about n units long: work at 8n over work at n tells linear from quadratic.
PROGRAM_FAMILIES = {
    "calls": lambda n: "remove_lines(1, 2)\nremove_str(3, 'menu')\n" * n,
    "open parens": lambda n: "(" * (40 * n),
    "nested names": lambda n: "a(" * (20 * n),
    "unterminated strings": lambda n: "remove_str(1, 'x\n" * (4 * n),
    "dotted names": lambda n: ("x." * 20 + "f(1) ") * n,
    "malformed calls": lambda n: "remove_lines(1 2) remove_str(1, 'a' + 'b')\n" * n,
}

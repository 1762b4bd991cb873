"""The dev set's fixed split: a tuning part (3/4) to design rules on, a validation part (1/4) to check them.

A page's part follows from its id alone (the first byte of SHA-256 of the id, modulo 4; 0 is
validation), so the split is the same on every machine and for every bench, and a page never
changes part when pages are added. Rules are designed looking at tuning pages only; validation
figures are the headline, read once a change is made, never used to pick one.
"""

from __future__ import annotations

import hashlib

TUNING, VALIDATION = "tuning", "validation"
PARTS = (TUNING, VALIDATION)


def part_of(page_id: str) -> str:
    """'validation' for about a quarter of the page ids, 'tuning' for the rest; stable per id."""
    return VALIDATION if hashlib.sha256(page_id.encode("utf-8")).digest()[0] % 4 == 0 else TUNING


def in_part(page_ids, part: str | None) -> list[str]:
    """The ids of `page_ids` in `part` (all of them when part is None), order kept."""
    return [i for i in page_ids if part is None or part_of(i) == part]

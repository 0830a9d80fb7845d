"""Long lists written or looked up a slice at a time, so that no statement carries too many parameters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# Codes per ``IN (...)`` lookup, so that no statement carries thousands of parameters.
LOOKUP_SIZE = 500


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``, the last one shorter; ``itertools.batched`` needs Python 3.12."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""The change log's chain head printed at the foot of a document, so a later rewrite of the whole database is
found by comparing the paper with `psp audit verify --printed N:HEAD`.

A document type that prints it adds CHAIN_FIELDS to its fields, passes `chain_values(audit.head(db))` among its
values, and its template ends with
  {"type": "paragraph", "style": "check", "show_if": "chain_head",
   "text": "变更记录校验：{chain_count} 条 · 链头 {chain_head}"}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services.audit import Head

CHAIN_FIELDS = frozenset({"chain_count", "chain_head"})


def chain_values(head: Head | None) -> dict[str, str]:
    """Empty (the line left out) when there is no head or the log is empty."""
    if head is None or head.count == 0:
        return {"chain_count": "", "chain_head": ""}
    return {"chain_count": str(head.count), "chain_head": head.short}

"""The stored view and its helpers, as extract has always offered them; they live in the
leaf package `zhtext`, shared with dedup (one copy of each Chinese text view, issue 10).
"""

from __future__ import annotations

from zhtext import PRIVATE_USE_RE, clean_text, damage_score, strip_pinyin_glosses, to_simplified

__all__ = ["PRIVATE_USE_RE", "clean_text", "damage_score", "strip_pinyin_glosses", "to_simplified"]

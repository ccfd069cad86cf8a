"""One set of Chinese text views, shared by extract and dedup (a leaf: imports nothing of ours).

- `clean_text`: the stored view (script and punctuation kept, glosses and invisible/private-use
  characters removed, one paragraph per line);
- `hash_view` / `hash_views`: the fingerprint view (NFKC, glosses removed, OpenCC t2s,
  lower-case, letters and digits only);
- `strip_pinyin_glosses`, `to_simplified`: the steps both use;
- mojibake: `GARBAGE_RE` (byte-garbage patterns) and its fast `garbage_count`, `damaged_near`
  (damage around a span),
  `damage_score` (a document's damage, 0..1).
"""

from __future__ import annotations

from zhtext.views import (
    GARBAGE_RE,
    PRIVATE_USE_RE,
    clean_text,
    damage_score,
    damaged_near,
    garbage_count,
    hash_view,
    hash_views,
    strip_pinyin_glosses,
    to_simplified,
)

__all__ = [
    "GARBAGE_RE",
    "PRIVATE_USE_RE",
    "clean_text",
    "damage_score",
    "damaged_near",
    "garbage_count",
    "hash_view",
    "hash_views",
    "strip_pinyin_glosses",
    "to_simplified",
]

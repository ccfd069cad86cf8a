"""The Chinese text views and mojibake rules (see the package docstring). Issue 10: these
existed twice (extract/normalise.py, dedup/shingles.py) and disagreed; this is the one copy.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A gloss is a toneful pinyin syllable in parentheses glued after a Han character (seed 002:
# `網(wǎng)`, also `網( wǎng )`). The character before may already be mojibake ('?' or U+FFFD)
# in damaged copies. At least one tone mark: ordinary bracketed Latin text (`(EICU)`) stays.
_SYLLABLE = rf"[a-zü]{{0,5}}[{_TONED}][a-zü]{{0,4}}"
_GLOSS_RE = re.compile(rf"(?<=[{_HAN}?\ufffd])[(（]\s*{_SYLLABLE}\s*[)）]", re.I)
# Damage left behind when mojibake swallowed a gloss's opening parenthesis: `?zāi)J剑?`.
_ORPHAN_GLOSS_RE = re.compile(rf"[?\ufffd]{_SYLLABLE}\)", re.I)
# A real question mark is rarely glued between a Han character and a digit, or doubled.
_QMARK_IN_HAN_RE = re.compile(rf"(?<=[{_HAN}])\?(?=[0-9])|(?<=[{_HAN}])\?\?+")
# UTF-8 replacement bytes or uninitialised buffers read as GBK (锟斤拷, 烫烫, 屯屯), UTF-8
# read as Latin-1 (Ã©, ï¿½). Decoding uses it to judge candidates, dedup and the damage score
# to judge text.
GARBAGE_RE = re.compile("锟斤拷|烫烫|屯屯|[ÃÂ][\x80-\xbf]|ï¿½")
_GARBAGE_FIRST = "锟烫屯ÃÂï"  # every GARBAGE_RE match starts with one of these


def garbage_count(text: str) -> int:
    """Matches of GARBAGE_RE in `text`. The regex tries every position of a page (~4 ms for
    130 KB); a first-character test (memchr speed) skips it on the clean pages."""
    if not any(ch in text for ch in _GARBAGE_FIRST):
        return 0
    return len(GARBAGE_RE.findall(text))

# Damage right around a clause: U+FFFD, garbage, an ASCII '?' glued to non-ASCII text.
_LOCAL_DAMAGE_RE = re.compile(rf"\ufffd|{GARBAGE_RE.pattern}|[^\x00-\x7f]\?|\?[^\x00-\x7f\s]")
_INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# Private-use code points are icons of the page's font or GBK user-defined slots: never text.
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
_HSPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f]+")
_EDGE_SPACE = " \t\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"


def strip_pinyin_glosses(text: str) -> str:
    """Remove parenthesised toneful pinyin glued after Han characters: `網(wǎng)` -> `網`."""
    return _GLOSS_RE.sub("", text)


@functools.cache
def _t2s() -> opencc.OpenCC:
    # One converter per process: building it parses the dictionaries (~tens of ms).
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    """OpenCC Traditional -> Simplified conversion (characters only, punctuation kept)."""
    return _t2s().convert(text) if not text.isascii() else text


def clean_text(text: str) -> str:
    """Stored view: glosses removed, invisible and private-use characters dropped, one
    paragraph per line, script and punctuation kept."""
    text = strip_pinyin_glosses(PRIVATE_USE_RE.sub("", _INVISIBLE_RE.sub("", text)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        line = _HSPACE_RE.sub(" ", line).strip(_EDGE_SPACE)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _keep(ch: str) -> bool:
    # Letters and digits only: punctuation, symbols (￥, ©) and every kind of space are dropped.
    return unicodedata.category(ch)[0] in "LN"


def hash_view(text: str) -> str:
    """Fingerprint view: NFKC, glosses removed, t2s, lower-case, letters and digits only.

    NFKC first, so full-width `（ｗǎｎｇ）` glosses and `ＡＢＣ` fold before the other steps.
    """
    text = strip_pinyin_glosses(unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in to_simplified(text).lower() if _keep(ch))


def hash_views(parts: list[str]) -> list[str]:
    """hash_view of each part, with one OpenCC call for all of them."""
    if not parts or any("\n" in part for part in parts):
        return [hash_view(part) for part in parts]
    text = strip_pinyin_glosses(unicodedata.normalize("NFKC", "\n".join(parts)))
    views = ["".join(ch for ch in p if _keep(ch)) for p in to_simplified(text).lower().split("\n")]
    # NFKC can turn a compatibility character into a line break: then one by one.
    return views if len(views) == len(parts) else [hash_view(part) for part in parts]


def damaged_near(text: str, start: int, end: int, margin: int = 2) -> bool:
    """Mojibake in text[start:end] or `margin` characters either side (mojibake often eats
    the separator next to it: `剑?021年`)."""
    return _LOCAL_DAMAGE_RE.search(text, max(start - margin, 0), end + margin) is not None


def damage_score(text: str, *, dropped: int = 0) -> float:
    """Mojibake damage, 0.0 clean .. 1.0 ruined: broken glosses, '?' inside Han runs, U+FFFD,
    private-use code points and 锟斤拷-style garbage, per 200 characters of text. `dropped`:
    damage events already removed from `text` (private-use characters clean_text dropped).
    """
    body = "".join(text.split())
    if not body:
        return 0.0
    events = dropped + len(_ORPHAN_GLOSS_RE.findall(text))
    events += len(_QMARK_IN_HAN_RE.findall(text))
    events += garbage_count(text)
    events += sum(1 for ch in body if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    # Ten events per 200 characters is a ruined copy; one per 200 is already badly damaged.
    return min(1.0, events * 20 / len(body))

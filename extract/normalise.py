"""Two text views kept apart: `clean_text` (stored: script and punctuation kept, pinyin glosses
removed, whitespace tidied) and `hash_view` (fingerprints: t2s, NFKC, no punctuation/space).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A gloss is a toneful pinyin syllable in parentheses glued after a Han character (seed 002:
# `網(wǎng)`). The character before may already be mojibake ('?' or U+FFFD) in damaged copies.
_SYLLABLE = rf"[a-zü]{{0,5}}[{_TONED}][a-zü]{{0,4}}"
_GLOSS_RE = re.compile(rf"(?<=[{_HAN}?\ufffd])[(（]{_SYLLABLE}[)）]")
# Damage left behind when mojibake swallowed a gloss's opening parenthesis: `?zāi)J剑?`.
_ORPHAN_GLOSS_RE = re.compile(rf"[?\ufffd]{_SYLLABLE}\)")
# A real question mark is rarely glued between a Han character and a digit, or doubled.
_QMARK_IN_HAN_RE = re.compile(rf"(?<=[{_HAN}])\?(?=[0-9])|(?<=[{_HAN}])\?\?+")
_GARBAGE_RE = re.compile("锟斤拷|烫烫烫|屯屯屯|[ÃÂ][\x80-\xbf]|ï¿½")
_INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# Private-use code points are icons of the page's font or GBK user-defined slots: never text.
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
_HSPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f]+")
_EDGE_SPACE = " \t\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"


def strip_pinyin_glosses(text: str) -> str:
    """Remove parenthesised toneful pinyin glued after Han characters: `網(wǎng)` -> `網`."""
    return _GLOSS_RE.sub("", text)


def clean_text(text: str) -> str:
    """Stored view: glosses removed, invisible and private-use characters dropped, one
    paragraph per line."""
    text = strip_pinyin_glosses(PRIVATE_USE_RE.sub("", _INVISIBLE_RE.sub("", text)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        line = _HSPACE_RE.sub(" ", line).strip(_EDGE_SPACE)
        if line:
            lines.append(line)
    return "\n".join(lines)


@functools.cache
def _t2s() -> opencc.OpenCC:
    # One converter per process: building it parses the dictionaries (~tens of ms).
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    """OpenCC Traditional -> Simplified conversion (characters only, punctuation kept)."""
    return _t2s().convert(text)


def _keep(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return not (cat[0] in "PZ" or cat in ("Cc", "Cf") or ch.isspace())


def hash_view(text: str) -> str:
    """Fingerprint view: glosses removed, t2s, NFKC, all punctuation and whitespace dropped."""
    text = unicodedata.normalize("NFKC", strip_pinyin_glosses(text))
    text = to_simplified(text)
    return "".join(ch for ch in text if _keep(ch))


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
    events += len(_GARBAGE_RE.findall(text))
    events += sum(1 for ch in body if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    # Ten events per 200 characters is a ruined copy; one per 200 is already badly damaged.
    return min(1.0, events * 20 / len(body))

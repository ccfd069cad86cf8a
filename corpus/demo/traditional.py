"""Traditional-script copies as portals serve them: OpenCC s2tw, pinyin glosses, mojibake.

Reproduces the artefacts of seed 002 (``網(wǎng)``, ``經驗?zāi)J剑?021年``) on our own text.
"""

from __future__ import annotations

import functools

import opencc

# Characters that the reposting site glosses, with a toneful pinyin syllable (seed 002 style).
GLOSSES: dict[str, str] = {
    "網": "wǎng",
    "區": "qū",
    "與": "yǔ",
    "務": "wù",
    "創": "chuàng",
    "質": "zhì",
    "鄉": "xiāng",
    "鎮": "zhèn",
    "風": "fēng",
    "訓": "xùn",
    "農": "nóng",
    "學": "xué",
    "術": "shù",
    "導": "dǎo",
}


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


def to_traditional(text: str) -> str:
    """Simplified → Traditional (Taiwan standard characters, no phrase rewriting)."""
    return _converter().convert(text)


def add_glosses(text: str) -> str:
    """Glue a ``(pinyin)`` gloss after every glossed character, as seed 002 shows."""
    return "".join(f"{ch}({GLOSSES[ch]})" if ch in GLOSSES else ch for ch in text)


def garble(span: str) -> str:
    """The span as a reader sees it after one lost byte misaligns its GBK bytes.

    Pairs are read as Big5 (the page's codec); an invalid pair becomes one ``?`` and takes
    its second byte with it, which is how seed 002 lost the ``2`` of ``2021年``.
    """
    raw = span.encode("gbk")[1:]
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] < 0x80:
            out.append(chr(raw[i]))
            i += 1
            continue
        try:
            out.append(raw[i : i + 2].decode("big5hkscs"))
        except UnicodeDecodeError:
            out.append("?")
        i += 2
    damaged = "".join(out)
    damaged.encode("big5hkscs")  # must stay encodable: the damaged page is served as Big5
    return damaged


def damage(text: str, span: str) -> str:
    """Replace the first occurrence of ``span`` (Simplified, as in the source) by mojibake.

    A digit right after a damaged pair is swallowed, as in ``?021年``.
    """
    target = to_traditional(span)
    if target not in text:
        raise ValueError(f"mojibake span {span!r} not found")
    return text.replace(target, garble(span), 1)

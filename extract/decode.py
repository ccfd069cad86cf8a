"""Bytes + HTTP headers -> text, choosing the codec by evidence (BOM, UTF-8 validity, header,
meta, CleanEval header, CJK plausibility); GB2312/GBK decode as GB18030, Big5 as Big5-HKSCS.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass

from extract.types import Decoded
from zhtext import garbage_count

log = logging.getLogger(__name__)

# Portals declare gb2312 and send GBK/GB18030 extensions; Taiwanese/HK pages declare big5 and
# use HKSCS characters. The supersets decode everything the declared subset does, identically.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5hkscs": "big5hkscs",
}
_ALIASES = {
    "x-gbk": "gbk",
    "gb_2312-80": "gb2312",
    "gb_2312": "gb2312",
    "x-euc-cn": "gb2312",
    "euc-cn": "gb2312",
    "hz-gb-2312": "hz",
    "x-big5": "big5",
    "big5-hkscs": "big5hkscs",
    "unicode": "utf-8",
    "utf8": "utf-8",
}
_WESTERN = frozenset({"latin_1", "iso8859-1", "cp1252", "ascii", "iso8859-15"})
_CHINESE = frozenset({"gb18030", "big5hkscs", "hz", "utf-8"})

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)

_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_CLEANEVAL_RE = re.compile(rb"""\A\s*<text\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)
_SNIFF_BYTES = 16384
_ASCII_RUN_RE = re.compile(r"[\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class _Candidate:
    codec: str
    source: str  # header / meta / xml / cleaneval / fallback
    declared: str  # name as written


def canonical_codec(name: str) -> str | None:
    """The codec we decode a declared charset with (supersets for GB and Big5), or None."""
    key = name.strip().lower().replace("_", "-") if name else ""
    key = _ALIASES.get(key, key)
    try:
        found = codecs.lookup(key).name
    except LookupError:
        return None
    return _SUPERSETS.get(found.replace("_", "").replace("-", ""), _SUPERSETS.get(found, found))


@functools.cache
def _common_han() -> frozenset[str]:
    """GB2312 level-1 (3755 common Simplified) + Big5 level-1 (5401 common Traditional)."""
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for hi in range(0xA4, 0xC7):
        for lo in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            try:
                chars.add(bytes((hi, lo)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def plausibility(text: str) -> float:
    """Share of non-ASCII characters that look like real Chinese text (0..1; 1 for pure ASCII).

    Common Han characters and CJK/full-width punctuation count as good; replacement characters,
    private-use code points and 锟斤拷-style garbage count as bad.
    """
    common = _common_han()
    good = bad = 0
    # Deleting the ASCII runs first leaves a short string to count (2x faster than findall).
    for ch, n in Counter(_ASCII_RUN_RE.sub("", text)).items():
        o = ord(ch)
        if ch in common or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x206F:
            good += n
        elif o == 0xFFFD or 0xE000 <= o <= 0xF8FF or 0x80 <= o <= 0x9F:
            bad += 3 * n
        else:
            bad += n
    bad += 6 * garbage_count(text)
    total = good + bad
    return 1.0 if total == 0 else good / total


def _declared(body: bytes, headers: tuple[tuple[str, str], ...]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for name, value in headers:
        if name.lower() == "content-type":
            m = _HEADER_CHARSET_RE.search(value)
            if m:
                found.append(_Candidate(canonical_codec(m.group(1)) or "", "header", m.group(1)))
    head = body[:_SNIFF_BYTES]
    for source, rx in (("cleaneval", _CLEANEVAL_RE), ("xml", _XML_RE), ("meta", _META_RE)):
        for m in rx.finditer(head):
            raw = m.group(1).decode("ascii", "replace")
            found.append(_Candidate(canonical_codec(raw) or "", source, raw))
            if source == "meta":
                break
    return found


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> Decoded:
    """Decode a page's bytes, recording which codec was used and the evidence for it."""
    for bom, codec, label in _BOMS:
        if body.startswith(bom):
            text = body.decode(codec, errors="replace")
            return Decoded(text.lstrip("\ufeff"), label, f"BOM {label}")
    declared = _declared(body, headers)
    said = ", ".join(f"{c.source} {c.declared}" for c in declared) or "nothing declared"
    if body.isascii():
        return Decoded(body.decode("ascii"), "utf-8", f"ascii only ({said})")
    # Valid multi-byte UTF-8 is almost never produced by GB/Big5 text by accident, while
    # pages saved as UTF-8 that still declare gb2312 are common.
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", f"strict utf-8 valid ({said})")
    return _by_evidence(body, declared, said)


def _by_evidence(body: bytes, declared: list[_Candidate], said: str) -> Decoded:
    order: list[tuple[str, str]] = []
    for c in declared:
        if c.codec and c.codec not in (o[0] for o in order):
            order.append((c.codec, c.source))
    for codec in ("gb18030", "big5hkscs"):
        if codec not in (o[0] for o in order):
            order.append((codec, "fallback"))
    scored: list[tuple[float, bool, int, str, str, str]] = []
    for rank, (codec, source) in enumerate(order):
        strict = _strict(body, codec)
        text = strict if strict is not None else body.decode(codec, errors="replace")
        score = plausibility(text)
        if codec in _WESTERN:
            score *= 0.5  # a Chinese-page corpus: single-byte Western labels are usually wrong
        scored.append((score, strict is not None, rank, codec, source, text))
    first = scored[0]
    best = max(scored, key=lambda s: (s[1], s[0], -s[2]))
    # The first declaration wins unless the bytes clearly say otherwise. Plausibility only
    # knows Chinese, so it may overrule only Chinese and single-byte Western labels
    # (a Korean or Japanese page's declaration stands when its bytes decode).
    overrulable = first[3] in _CHINESE or first[3] in _WESTERN
    if first[4] != "fallback" and first[1] and (first[0] >= best[0] - 0.1 or not overrulable):
        chosen, why = first, "declared, strict decode ok"
    elif best[1]:
        chosen, why = best, "best CJK plausibility among strict decodes"
    else:
        chosen = max(scored, key=lambda s: (s[0], -s[2]))
        why = "no strict decode; best CJK plausibility with replacement"
    score, _, _, codec, source, text = chosen
    reason = f"{said} -> {codec} ({source}); {why}; plausibility {score:.2f}"
    log.debug("decode: %s", reason)
    return Decoded(text, codec, reason)


_CLEANEVAL_LINE_RE = re.compile(r"""\A\s*<text\s+([^>]*)>[ \t]*\r?\n?""", re.I)
_ATTR_RE = re.compile(r"""(\w+)\s*=\s*"([^"]*)"|(\w+)\s*=\s*'([^']*)'""")


def split_cleaneval_header(text: str) -> tuple[dict[str, str], str]:
    """Split a CleanEval `<text id=… title=… encoding=…>` line off the HTML; ({}, text) if none."""
    m = _CLEANEVAL_LINE_RE.match(text)
    if not m or "id=" not in m.group(1):
        return {}, text
    attrs = {}
    for a in _ATTR_RE.finditer(m.group(1)):
        key = a.group(1) or a.group(3)
        attrs[key.lower()] = a.group(2) if a.group(1) else a.group(4)
    rest = text[m.end() :]
    rest = re.sub(r"</text>\s*\Z", "", rest, flags=re.I)
    return attrs, rest

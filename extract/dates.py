"""Chinese date forms -> ISO 8601: `2023-04-13 11:10:52`, `2023年04月13日`, `2023/4/13`, and
year-less `4月12日` resolved against a reference date (page or URL date such as /2023/0413/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_TZ = "+08:00"  # Chinese portals publish in Beijing time
_FULL_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_YEARLESS_RE = re.compile(
    r"(?<![\d年])(\d{1,2})月(\d{1,2})日"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_URL_RES = (
    re.compile(r"/((?:19|20)\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?=[/_.\-]|\d)"),  # /2023/0413/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),  # /2005-08/16/
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # /art/2023/4/13/
    re.compile(r"(?<=[/_t])((?:19|20)\d{2})(\d{2})(\d{2})(?=\d{0,10}[/_.])"),  # t20230413_1.html
    re.compile(r"/(\d{2})(\d{2})(\d{2})/"),  # /050404/ (yahoo.cn, two-digit year)
)


@dataclass(frozen=True, slots=True)
class Found:
    iso: str
    day: date
    has_time: bool


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _iso(day: date, hh: str | None, mm: str | None, ss: str | None) -> Found:
    if hh is None or mm is None or int(hh) > 23 or int(mm) > 59 or int(ss or 0) > 59:
        return Found(day.isoformat(), day, False)
    stamp = f"{day.isoformat()}T{int(hh):02d}:{int(mm):02d}:{int(ss or 0):02d}{_TZ}"
    return Found(stamp, day, True)


def find_dates(text: str) -> list[Found]:
    """Every full date (with year) in `text`, in order."""
    found = []
    for m in _FULL_RE.finditer(text):
        day = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if day is not None:
            found.append(_iso(day, m.group(4), m.group(5), m.group(6)))
    return found


# A date is "labelled" when a label stands just before it (发布时间 2005/05/17 22:11:42,
# 于2005年8月12日16:12:21) or a publishing verb just after it (2023年05月03日发表, …在〖版面〗发表).
_LABEL_BEFORE_RE = re.compile(
    r"(发布|發佈|发表|發表|更新|发帖|發帖)\s*(时间|時間|日期|于|於)?\s*[:：]?\s*$"
)
_VERB_AFTER_RE = re.compile(r"^\s*(?:在[^，。,]{0,24})?(发表|發表|发布|發佈|发帖|發帖)")


def labelled_date(text: str) -> Found | None:
    """The first full date in `text` that a publishing label or verb stands beside."""
    for m in _FULL_RE.finditer(text):
        day = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if day is None:
            continue
        before, after = text[max(0, m.start() - 8) : m.start()], text[m.end() : m.end() + 32]
        if _LABEL_BEFORE_RE.search(before) or _VERB_AFTER_RE.match(after):
            return _iso(day, m.group(4), m.group(5), m.group(6))
    return None


def parse_date(text: str, reference: date | None = None) -> Found | None:
    """The first date in `text`; a year-less `4月12日` takes its year from `reference`."""
    full = find_dates(text)
    if full:
        return full[0]
    if reference is None:
        return None
    for m in _YEARLESS_RE.finditer(text):
        day = _valid(reference.year, int(m.group(1)), int(m.group(2)))
        if day is None:
            continue
        if day > reference and (day - reference).days > 31:
            # "12月30日" in a report dated 1月2日 belongs to the previous year.
            day = _valid(reference.year - 1, day.month, day.day) or day
        return _iso(day, m.group(3), m.group(4), m.group(5))
    return None


def has_date(text: str) -> bool:
    """Whether `text` carries a date, with or without its year."""
    return bool(find_dates(text)) or _YEARLESS_RE.search(text) is not None


def url_date(url: str) -> date | None:
    """A date embedded in a URL path, if any."""
    for rx in _URL_RES:
        m = rx.search(url or "")
        if m:
            y = int(m.group(1))
            y = y + 2000 if y < 100 else y
            day = _valid(y, int(m.group(2)), int(m.group(3)))
            if day is not None and 1995 <= day.year <= 2100:
                return day
    return None

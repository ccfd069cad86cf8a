"""Per-outlet page templates: each module offers ``article(view)`` and ``listing(view)``."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from corpus.demo.templates import chinanews, farm, hebei, shanxi, sxrb
from corpus.demo.templates.common import ArticleView, ListView, Teaser

__all__ = ["ARTICLE", "LISTING", "ArticleView", "ListView", "Teaser"]

_MODULES = {"shanxi": shanxi, "sxrb": sxrb, "chinanews": chinanews, "farm": farm, "hebei": hebei}
ARTICLE: MappingProxyType[str, Callable[[ArticleView], str]] = MappingProxyType(
    {name: module.article for name, module in _MODULES.items()}
)
LISTING: MappingProxyType[str, Callable[[ListView], str]] = MappingProxyType(
    {name: module.listing for name, module in _MODULES.items()}
)

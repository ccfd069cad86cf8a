"""The values dedup exchanges with its caller: DocView (input), Verdict and Link (output)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DocView:
    """What the store tells dedup about an existing document (via the `lookup` callable)."""

    key: str
    text: str  # stored view (Article.text)
    published: str | None = None
    damage: float = 0.0  # mojibake damage, 0.0 clean .. 1.0 ruined
    outlet: str | None = None
    origin: str | None = None  # source named by 来源:


@dataclass(frozen=True, slots=True)
class Link:
    """A relation that is not a merge.

    kind "shared-passages": distinct reports repeating clauses; `passages` are the shared
    runs of clauses (this document's wording), `figures` the figures in them, and figures
    whose value changed as "phrase old → new" (old = the other document's value).
    kind "same-template": near-identical wording but conflicting facts; `figures` names
    the conflicts ("第四批 → 第五批").
    """

    other: str
    kind: str
    passages: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """Result of Deduper.check: at most one of exact_of / repost_of is set."""

    key: str
    exact_of: str | None = None  # same hash view as this existing document
    repost_of: str | None = None  # verified repost of this existing document
    similarity: float = 0.0  # verified Jaccard (or containment) with the match
    links: tuple[Link, ...] = ()
    # Other existing documents this one is also a verified repost of: when they sit in
    # other clusters, this document bridges them and the store merges those clusters.
    also: tuple[str, ...] = ()

    @property
    def match(self) -> str | None:
        """The existing document this one joins, whether exact copy or repost."""
        return self.exact_of or self.repost_of

"""Dedup parameters, stamped into the index meta file; ParamsMismatch when they differ."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Bump when shingling or hashing changes: old signatures would silently stop matching.
SCHEME = "aidcorpus-dedup/1 cp-poly64+datasketch-affine32"

STAMPED = ("ngram", "num_perm", "bands", "rows", "seed")


class ParamsMismatch(ValueError):
    """The index on disk was built with other parameters than the ones requested."""


@dataclass(frozen=True, slots=True)
class DedupParams:
    """Fingerprint parameters (stamped) and verification thresholds (free to change).

    bands x rows = 32 x 4 puts the LSH candidate threshold near Jaccard 0.42 so that
    lightly edited reposts (Jaccard ~0.6-0.8 over 5-grams) are candidates; every candidate
    is verified, so the low threshold costs lookups, not precision.
    """

    ngram: int = 5
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    seed: int = 1
    threshold: float = 0.5  # verified Jaccard at or above which a candidate is a repost
    containment: float = 0.8  # or: share of the smaller doc's shingles found in the larger
    min_clause_chars: int = 6  # clauses shorter than this (hash view) are not indexed
    # Clauses held by more documents than this are boilerplate (为深入贯彻党的二十大精神):
    # they neither make a document a candidate nor count as a shared passage.
    max_clause_df: int = 20

    def __post_init__(self) -> None:
        if self.ngram < 1:
            raise ValueError(f"ngram must be >= 1, got {self.ngram}")
        if self.num_perm < 1:
            raise ValueError(f"num_perm must be >= 1, got {self.num_perm}")
        if self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"bands x rows must be positive and at most num_perm: "
                f"{self.bands} x {self.rows} > {self.num_perm}"
            )
        if self.max_clause_df < 1:
            raise ValueError(f"max_clause_df must be >= 1, got {self.max_clause_df}")
        if not 0.0 < self.threshold <= 1.0 or not 0.0 < self.containment <= 1.0:
            raise ValueError("threshold and containment must be in (0, 1]")

    def stamp(self) -> dict[str, object]:
        """The values an index is built with; reopening requires them unchanged."""
        stamped: dict[str, object] = {k: v for k, v in asdict(self).items() if k in STAMPED}
        stamped["min_clause_chars"] = self.min_clause_chars
        stamped["scheme"] = SCHEME
        return stamped

    def check_stamp(self, stamp: dict[str, object], where: str) -> None:
        """Raise ParamsMismatch naming both parameter sets if `stamp` differs from ours."""
        mine = self.stamp()
        diff = {k: (stamp.get(k), mine[k]) for k in mine if stamp.get(k) != mine[k]}
        if diff:
            detail = ", ".join(
                f"{k}: index has {a!r}, requested {b!r}" for k, (a, b) in diff.items()
            )
            raise ParamsMismatch(
                f"dedup index at {where} was built with other parameters ({detail}); "
                f"open it with the stamped parameters or rebuild it (aidcorpus reindex)"
            )

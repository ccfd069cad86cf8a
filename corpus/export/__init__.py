"""Exports: exactly-once delivery of the corpus into other tools' folders.

Formats: `txt` (the seeds' layout, NNN_<16 hex id>.txt), `jsonl` (optionally gzipped) and
`parquet`; a folder is a feed (each cluster once per version, tombstones for merged ones)
or, with `snapshot`, a mirror switched atomically. The contract is docs/EXPORT.md.
"""

from corpus.export.feed import ExportResult, export
from corpus.export.writers import FORMATS

__all__ = ["FORMATS", "ExportResult", "export"]

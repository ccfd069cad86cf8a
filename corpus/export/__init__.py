"""Exports: incremental, atomic writes of canonical documents into other tools' folders.

Formats: `txt` (the seeds' layout, NNN_<16 hex>.txt), `jsonl` (optionally gzipped) and
`parquet`. Each export records what it wrote, so the next one writes only new clusters.
"""

from corpus.export.base import FORMATS, ExportResult, export

__all__ = ["FORMATS", "ExportResult", "export"]

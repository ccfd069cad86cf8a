"""Helpers for the export tests: a corpus built through the store, and readers of export
folders the way the contract (docs/EXPORT.md) tells a tool to read them."""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

from corpus.store import Store
from extract.types import Article

AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))
HAN = "援疆对口支援新疆喀什和田阿克苏昌吉哈密项目资金医疗教育产业就业干部人才工作综述推进建设"


def article(url: str, text: str, **over: Any) -> Article:
    fields: dict[str, Any] = dict(
        url=url, title="标题", text=text, published="2023-04-13T11:10:52+08:00",
        outlet="中华网山西", origin=None, original_title=None, authors=(),
        editor=None, provinces=("山西",), recipients=("昌吉",), topic_score=1.0,
        topic_terms=("援疆",), encoding="utf-8", encoding_reason="test", damage=0.0,
    )  # fmt: skip
    fields.update(over)
    return Article(**fields)


def key_of(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def add(store: Store, url: str, text: str, cluster: int | None = None, **over: Any) -> int:
    """Store one copy (a new cluster, or joining `cluster`) the way ingest does."""
    from dedup.cluster import choose_canonical

    key = key_of(url)
    with store.batch():
        cid = cluster or store.new_cluster(key)
        store.insert_document(
            article(url, text, **over), key=key, exact_hash=key, cluster_id=cid,
            repost_of=None, similarity=None, source="test",
        )  # fmt: skip
        store.set_canonical(cid, choose_canonical(store.copies(cid)))
    return cid


def random_text(rng: random.Random, n: int = 300) -> str:
    lines = ["".join(rng.choice(HAN) for _ in range(n // 5)) + "。" for _ in range(5)]
    return "\n".join(lines)


def build_corpus(db: Path, n: int, seed: int = 8) -> None:
    """`n` clusters, every fifth with a second copy, as ingest would store them."""
    rng = random.Random(seed)
    with Store.open(db, create=True) as store:
        for i in range(n):
            cid = add(store, f"http://a.cn/{i}.html", random_text(rng), title=f"报道{i}")
            if i % 5 == 0:
                add(store, f"http://b.cn/{i}.html", random_text(rng), cluster=cid)


def read_feed(out: Path) -> dict[str, dict[str, Any]]:
    """A JSONL folder read as the contract says: files in name order, the highest version of
    each id kept, tombstones dropped."""
    latest: dict[str, dict[str, Any]] = {}
    for path in sorted(out.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            had = latest.get(row["id"])
            if had is None or row["metadata"]["version"] > had["metadata"]["version"]:
                latest[row["id"]] = row
    return {k: v for k, v in latest.items() if not v["metadata"]["deleted"]}


def visible(out: Path) -> dict[str, bytes]:
    """Every file a tool sees in the folder (hidden entries excepted), with its bytes."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }

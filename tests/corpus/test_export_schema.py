"""One documented schema: the files in docs/schema/ are the code's, every exported line
validates against the JSON Schema, and type-inferring readers see one schema in every file,
even files of one record each with every optional field empty."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.json as pj
import pyarrow.parquet as pq
import pytest

from corpus.export import export
from corpus.export.schema import arrow_schema, parse_time
from corpus.store import Store
from tests.corpus.exportkit import add

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schema"

VARIANTS = [  # (overrides) each exported alone, into a file of its own
    {},
    {"published": None, "origin": None, "editor": None, "provinces": (), "recipients": (),
     "topic_terms": (), "title": "", "outlet": None},
    {"published": "2023-04-13", "authors": ("张三", "李四"), "original_title": "原题"},
    {"published": "2023-04-13T16:45:00+08:00", "damage": 0.25, "encoding": "gb18030"},
]  # fmt: skip


@pytest.fixture
def varied(tmp_path: Path) -> Path:
    """A JSONL folder of one-record files (every variant), then an update and a tombstone."""
    store = Store.open(tmp_path / "c.db", create=True)
    out = tmp_path / "j"
    clusters = []
    for i, over in enumerate(VARIANTS):
        clusters.append(add(store, f"http://a.cn/{i}.html", f"援疆正文{i}", **over))
        export(store, "jsonl", out)
    with store.batch():
        store.merge_clusters(clusters[0], [clusters[1]])
        store.set_canonical(clusters[0], store.copies(clusters[0])[0].key)
    export(store, "jsonl", out)
    export(store, "parquet", tmp_path / "p")
    store.close()
    return out


def test_docs_hold_the_arrow_schema_of_the_code() -> None:
    text = (DOCS / "parquet.v2.arrow.txt").read_text(encoding="utf-8").strip()
    assert text == arrow_schema().to_string(element_size_limit=10000).strip()


def test_every_line_validates_against_the_json_schema(varied: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DOCS / "line.v2.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    lines = [json.loads(x) for p in sorted(varied.glob("*.jsonl")) for x in p.open()]
    assert len(lines) == len(VARIANTS) + 2
    for line in lines:
        errors = [e.message for e in validator.iter_errors(line)]
        assert not errors, (line["id"], errors)
    assert [x["metadata"]["deleted"] for x in lines[-2:]] == [False, True]


def test_one_inferred_schema_in_every_file(varied: Path) -> None:
    files = sorted(varied.glob("*.jsonl"))
    assert len(files) == len(VARIANTS) + 1
    schemas = {pj.read_json(p).schema for p in files}
    assert len(schemas) == 1, [str(s) for s in schemas]
    (schema,) = schemas
    meta = schema.field("metadata").type
    assert str(meta.field("published").type) == "string"  # never a naive UTC timestamp
    assert str(meta.field("authors").type) == "string"


def test_times_keep_their_offset_and_days_stay_days(varied: Path) -> None:
    rows = {json.loads(x)["metadata"]["url"]: json.loads(x)["metadata"]
            for p in varied.glob("*.jsonl") for x in p.open()}  # fmt: skip
    assert rows["http://a.cn/3.html"]["published"] == "2023-04-13T16:45:00.000+08:00"
    assert rows["http://a.cn/2.html"]["published"] == ""
    assert rows["http://a.cn/2.html"]["published_date"] == "20230413"
    assert rows["http://a.cn/2.html"]["authors"] == "张三、李四"
    table = pq.read_table(varied.parent / "p")
    assert table.schema.equals(arrow_schema(), check_metadata=False)
    by_url = {r["url"]: r for r in table.to_pylist()}
    assert by_url["http://a.cn/2.html"]["authors"] == ["张三", "李四"]
    assert str(by_url["http://a.cn/3.html"]["published"]) == "2023-04-13 08:45:00+00:00"


def test_parse_time_forms() -> None:
    stamp, day = parse_time("2023-04-13T11:10:52Z")
    assert stamp is not None and stamp.utcoffset().total_seconds() == 0 and str(day) == "2023-04-13"
    assert parse_time("2023-04-13") == (None, parse_time("2023-04-13T01:00:00+08:00")[1])
    assert parse_time("not a date") == (None, None) and parse_time(None) == (None, None)

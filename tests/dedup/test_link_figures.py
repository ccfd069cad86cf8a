"""A same-template link names each changed figure as the reports write it: magnitude and
unit kept (4.6亿元 → 5.3亿元, 1.1万人 → 1.4万人, not 4.6 → 5.3 or 11万), read back from
a real SQLite corpus through `aidcorpus links` and the links table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from corpus.cli import main

TEMPLATE = """{province}援疆工作简报
{date} 来源:{province}日报
{province}省第{batch}批援疆干部人才抵达伊犁哈萨克自治州，开始为期三年的对口支援工作。
据介绍，今年{province}累计投入援疆资金{money}，实施援疆项目{projects}，选派援疆医生{doctors}名，培训当地教师{teachers}人次，带动就业{jobs}人，项目完工率达到{rate}。
援疆干部表示，将把受援地当作第二故乡，扎实推进产业援疆、教育援疆和医疗援疆，为当地群众办实事、解难题，推动援疆工作取得新成效。
当地干部群众对援疆干部人才的到来表示热烈欢迎，希望双方继续深化交流交往交融，共同谱写民族团结新篇章。
"""

OLD = dict(batch="四", money="4.6亿元", projects="1.1万个", doctors="67", teachers="3200",
           jobs="1.1万", rate="95%")  # fmt: skip
NEW = dict(batch="五", money="5.3亿元", projects="1.2万个", doctors="105", teachers="3200",
           jobs="1.4万", rate="98.5%")  # fmt: skip
CHANGES = ("第四批 → 第五批", "4.6亿元 → 5.3亿元", "1.1万个 → 1.2万个", "67名 → 105名",
           "1.1万人 → 1.4万人", "95% → 98.5%")  # fmt: skip


def _ingest(tmp_path: Path, old: dict[str, str], new: dict[str, str], *, later_first: bool = False
            ) -> Path:  # fmt: skip
    """Ingest the 2022 report (a.txt) and the 2023 one (b.txt), one command each."""
    db = tmp_path / "c.db"
    reports = [("a.txt", "2022-04-12 09:00", old), ("b.txt", "2023-04-12 09:00", new)]
    for name, date, figures in reversed(reports) if later_first else reports:
        path = tmp_path / name
        path.write_text(TEMPLATE.format(province="江苏", date=date, **figures), "utf-8")
        assert main(["ingest", "--db", str(db), str(path)]) == 0
    return db


def _template_links(db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["links", "--db", str(db), "--kind", "same-template", "--format", "jsonl"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_stored_conflicts_keep_magnitude_unit_and_ordinal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _ingest(tmp_path, OLD, NEW)
    (link,) = _template_links(db, capsys)
    assert Path(link["a"]).name == "a.txt" and Path(link["b"]).name == "b.txt"
    assert tuple(link["figures"]) == CHANGES
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT figures FROM links WHERE kind = 'same-template'")
    assert tuple(json.loads(stored[0])) == CHANGES
    # Never the bare digits of a view: 4.6 without 亿元, 11万 for 1.1万.
    assert not any(f.startswith(("4.6 ", "11万")) or f.endswith(" 5.3") for f in link["figures"])


def test_a_changed_magnitude_alone_is_a_conflict_and_reads_the_later_report_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 4.6亿元 vs 4.6万元: the same digits, another magnitude. Ingested later-first, the
    # link still reads from the earlier report to the later.
    db = _ingest(tmp_path, OLD, dict(OLD, money="4.6万元"), later_first=True)
    (link,) = _template_links(db, capsys)
    assert Path(link["a"]).name == "a.txt"
    assert link["figures"] == ["4.6亿元 → 4.6万元"]

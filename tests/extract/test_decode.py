"""Decoding by evidence: GBK/Big5 bytes, mismatched declarations, BOM, CleanEval header."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from extract.decode import canonical_codec, decode_html, plausibility, split_cleaneval_header

TEXT = "山西援疆新答卷：重民生、育产业、活智力。2023年，援疆干部人才进疆以来，实施援疆项目184个。"
TRAD = "魯疆同心 齊美中華——山東省對口支援喀什地區工作綜述，援疆綜合效益得到全面彰顯。"


def page(text: str, meta: str | None) -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


def test_gbk_declared_gb2312_decodes_as_gb18030() -> None:
    text = TEXT + "镕"  # 镕 is GBK-only: strict gb2312 fails on it
    body = page(text, "gb2312").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    got = decode_html(body)
    assert got.encoding == "gb18030"
    assert text in got.text
    assert "gb2312" in got.reason


def test_big5_declared_decodes_as_big5hkscs() -> None:
    body = page(TRAD, "big5").encode("big5")
    got = decode_html(body)
    assert got.encoding == "big5hkscs"
    assert TRAD in got.text


def test_big5_without_declaration_is_recognised() -> None:
    body = page(TRAD * 3, None).encode("big5")
    got = decode_html(body)
    assert got.encoding == "big5hkscs"
    assert TRAD in got.text


def test_gbk_without_declaration_is_recognised() -> None:
    body = page(TEXT * 3, None).encode("gbk")
    got = decode_html(body)
    assert got.encoding == "gb18030"
    assert TEXT in got.text


def test_utf8_page_that_declares_gb2312() -> None:
    body = page(TEXT, "gb2312").encode("utf-8")
    got = decode_html(body)
    assert got.encoding == "utf-8"
    assert TEXT in got.text
    assert "meta gb2312" in got.reason


def test_wrong_http_header_loses_to_the_bytes() -> None:
    body = page(TEXT * 2, "gbk").encode("gbk")
    got = decode_html(body, (("Content-Type", "text/html; charset=ISO-8859-1"),))
    assert got.encoding == "gb18030"
    assert TEXT in got.text
    assert "header" in got.reason


def test_http_header_used_when_meta_is_absent() -> None:
    body = page(TRAD, None).encode("big5")
    got = decode_html(body, (("content-type", "text/html; charset=big5"),))
    assert got.encoding == "big5hkscs"
    assert TRAD in got.text


def test_other_cjk_declarations_stand_when_the_bytes_decode() -> None:
    korean = "대한민국 서울특별시에서 열린 회의에 참석했다. " * 3
    got = decode_html(page(korean, "euc-kr").encode("euc-kr"))
    assert got.encoding == "euc_kr"
    assert korean in got.text
    japanese = "日本語のテキストです。東京都で会議が開かれました。" * 3
    got = decode_html(page(japanese, "shift_jis").encode("shift_jis"))
    assert japanese in got.text


def test_bom_wins() -> None:
    body = codecs.BOM_UTF8 + page(TEXT, "gb2312").encode("utf-8")
    got = decode_html(body)
    assert got.encoding == "utf-8" and got.reason.startswith("BOM")
    assert not got.text.startswith("\ufeff")
    assert TEXT in got.text


def test_cleaneval_header_is_evidence_and_is_split_off() -> None:
    html = page(TEXT, None)
    url = "http://news.example.cn/2005/0513/1.html"
    header = f'<text id="{url}" title="标题-某网" encoding="gb2312">\n'
    got = decode_html((header + html).encode("gb2312"))
    assert got.encoding == "gb18030"
    assert "cleaneval gb2312" in got.reason
    attrs, rest = split_cleaneval_header(got.text)
    assert attrs["id"] == "http://news.example.cn/2005/0513/1.html"
    assert attrs["title"] == "标题-某网"
    assert rest.startswith("<html>")


def test_split_cleaneval_header_leaves_plain_html_alone() -> None:
    html = page(TEXT, None)
    assert split_cleaneval_header(html) == ({}, html)


def test_plausibility_separates_real_from_garbage() -> None:
    assert plausibility(TEXT) > 0.9
    assert plausibility(TEXT.encode("utf-8").decode("gbk", errors="replace")) < 0.7
    assert plausibility("锟斤拷锟斤拷锟斤拷") < 0.3


def test_canonical_codec_maps_subsets_to_supersets() -> None:
    assert canonical_codec("GB2312") == "gb18030"
    assert canonical_codec("x-gbk") == "gb18030"
    assert canonical_codec("BIG5") == "big5hkscs"
    assert canonical_codec("utf8") == "utf-8"
    assert canonical_codec("no-such-codec") is None


# Python's gb2312 codec maps A1AA/A1A4 to U+2015/U+30FB; GBK/GB18030 (and browsers, per the
# WHATWG encoding standard) give U+2014/U+00B7. Decoding as GB18030 is intended (issue 3).
_GB2312_VS_GB18030 = str.maketrans({"\u2015": "\u2014", "\u30fb": "\u00b7"})


def test_every_evaldata_encoding_fixture_decodes_per_label(evaldata: Path) -> None:
    labels = json.loads((evaldata / "encoding" / "chardet" / "labels.json").read_text("utf-8"))
    assert len(labels) >= 40
    for rec in labels:
        body = (evaldata / "encoding" / rec["file"]).read_bytes()
        want = body.decode(rec["expected_encoding"]).lstrip("\ufeff")
        got = decode_html(body)
        assert got.encoding == canonical_codec(rec["expected_encoding"]), rec["file"]
        assert got.text.translate(_GB2312_VS_GB18030) == want.translate(_GB2312_VS_GB18030)

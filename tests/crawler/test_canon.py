"""URL canonicalisation: one key per article whatever variant reached it."""

from __future__ import annotations

from scrapy import Request

from crawler.canon import CanonicalFingerprinter, canonical_url


def test_variants_fold_to_one_key() -> None:
    key = canonical_url("https://www.example.cn/news/2024/0413/c1.html")
    for variant in (
        "http://www.example.cn/news/2024/0413/c1.html",
        "https://m.example.cn/news/2024/0413/c1.html?utm_source=wx&spm=a.b.c",
        "http://wap.example.cn/news/2024/0413/c1.html?from=timeline#comments",
        "https://example.cn:443/news/2024/0413/c1.html",
        "HTTPS://WWW.EXAMPLE.CN/news/2024/0413/c1.html?share_token=xyz&isappinstalled=0",
    ):
        assert canonical_url(variant) == key, variant


def test_meaningful_query_and_ports_kept() -> None:
    a = canonical_url("http://www.example.cn/show.php?id=12&from=rss")
    b = canonical_url("http://www.example.cn/show.php?id=13")
    assert a != b and "id=12" in a and "from" not in a
    assert canonical_url("http://127.0.0.1:8080/a.html").endswith("127.0.0.1:8080/a.html")
    assert canonical_url("http://m.cn/a.html") != canonical_url("http://cn/a.html")


def test_fingerprints_follow_canonical_urls() -> None:
    fp = CanonicalFingerprinter()
    one = fp.fingerprint(Request("http://m.example.cn/a.html?utm_medium=x"))
    assert one == fp.fingerprint(Request("https://www.example.cn/a.html"))
    assert one != fp.fingerprint(Request("https://www.example.cn/b.html"))

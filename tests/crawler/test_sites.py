"""Profile loading and validation: clear messages naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import SiteError, get_site, load_sites

SITES = Path(__file__).resolve().parent / "sites"
GOOD = """
name = "{name}"
start_urls = ["https://www.example.cn/news/"]
article_pattern = '/news/\\d+\\.html$'
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_test_profiles_load_and_resolve_base() -> None:
    sites = load_sites(SITES)
    assert {"test-portal", "test-bad"} <= set(sites)
    site = sites["test-portal"].for_base("http://127.0.0.1:8765/")
    assert site.start_urls == ("http://127.0.0.1:8765/news/",)
    assert site.domains() == ("127.0.0.1",)
    assert site.article_re().search("http://127.0.0.1:8765/news/2024/0101/a1.html")


def test_a_local_profile_written_out_whole_keeps_its_host(tmp_path: Path) -> None:
    """One run has one base_url: a second local portal's profile names its URLs whole, and
    its start page was refused as offsite (the base host replaced its own): 0 pages, no
    warning."""
    local = "local = true\narticle_pattern = '/a/\\d+\\.html$'\n"
    write(tmp_path, "second", f'name = "second"\nstart_urls = ["http://127.0.0.2:8001/news/"]\n{local}')
    write(tmp_path, "both", f'name = "both"\nstart_urls = ["{{base}}/n/", "http://127.0.0.3:9/n/"]\n{local}')
    sites = load_sites(tmp_path)
    second = sites["second"].for_base("http://127.0.0.1:8765")
    assert second.start_urls == ("http://127.0.0.2:8001/news/",)
    assert second.domains() == ("127.0.0.2",)
    both = sites["both"].for_base("http://127.0.0.1:8765")
    assert both.domains() == ("127.0.0.1", "127.0.0.3")


def test_good_profile_defaults(tmp_path: Path) -> None:
    write(tmp_path, "ok-site", GOOD.format(name="ok-site"))
    site = load_sites(tmp_path)["ok-site"]
    assert site.domains() == ("www.example.cn",)
    assert site.refresh_after_days == 30 and not site.local and site.search is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("colour = 'red'", "colour"),
        ("list_pattern = '(unclosed'", "list_pattern"),
        ("gate_links = 'yes'", "gate_links"),
        ("max_parts = 0", "max_parts"),
        ("[search]\nurl = 'https://so.example.cn/s?q={query}&page={page}'\nformat = 'xml'",
         "search.format"),
    ],
)  # fmt: skip
def test_bad_fields_are_named(tmp_path: Path, extra: str, field: str) -> None:
    path = write(tmp_path, "bad-site", GOOD.format(name="bad-site") + extra + "\n")
    with pytest.raises(SiteError) as err:
        load_sites(tmp_path)
    assert str(path) in str(err.value) and repr(field) in str(err.value)


def test_missing_sources_and_bad_names(tmp_path: Path) -> None:
    write(tmp_path, "nothing", "name = 'nothing'\narticle_pattern = 'x'\n")
    with pytest.raises(SiteError, match="start_urls, sitemaps, feeds or search"):
        load_sites(tmp_path)
    (tmp_path / "nothing.toml").unlink()
    write(tmp_path, "Bad_Name", GOOD.format(name="Bad_Name"))
    with pytest.raises(SiteError, match=r"\[a-z0-9-\]\+"):
        load_sites(tmp_path)
    (tmp_path / "Bad_Name.toml").unlink()
    write(tmp_path, "file-name", GOOD.format(name="other-name"))
    with pytest.raises(SiteError, match="differs from the file name"):
        load_sites(tmp_path)


def test_base_only_in_local_profiles(tmp_path: Path) -> None:
    write(
        tmp_path, "remote", GOOD.format(name="remote").replace("https://www.example.cn", "{base}")
    )
    with pytest.raises(SiteError, match="not local"):
        load_sites(tmp_path)


def test_get_site_lists_known_names(tmp_path: Path) -> None:
    write(tmp_path, "only-one", GOOD.format(name="only-one"))
    assert get_site("only-one", tmp_path).name == "only-one"
    with pytest.raises(SiteError, match="known sites: only-one"):
        get_site("nope", tmp_path)


def test_shipped_profiles_validate() -> None:
    sites = load_sites()
    assert sites, "crawler/sites/ has no profiles"
    for site in sites.values():
        assert site.for_base("http://127.0.0.1:1").domains(), site.name


def test_crawler_archives_no_page_that_extract_would_drop_for_size() -> None:
    from crawler import settings
    from extract.extractor import MAX_BYTES

    assert settings.AIDCORPUS_MAX_BODY == MAX_BYTES == settings.DOWNLOAD_MAXSIZE


def test_catastrophic_pattern_is_linear_time_or_refused(tmp_path: Path) -> None:
    """'(a+)+$' froze Python's re for 12 s on a 27-character link; RE2 answers at once, and
    patterns RE2 cannot run are refused naming the file and field."""
    import time

    from crawler.sites import SiteError, load_site_file

    path = tmp_path / "hang.toml"
    path.write_text(
        "name = \"hang\"\nstart_urls = [\"https://example.cn/\"]\narticle_pattern = '(a+)+$'\n",
        encoding="utf-8",
    )
    site = load_site_file(path)
    started = time.monotonic()
    assert site.article_re().search("https://example.cn/" + "a" * 40 + "!") is None
    assert time.monotonic() - started < 1.0
    path.write_text(
        "name = \"hang\"\nstart_urls = [\"https://example.cn/\"]\narticle_pattern = '(a)\\1'\n",
        encoding="utf-8",
    )
    with pytest.raises(SiteError, match=r"hang\.toml: field 'article_pattern'.*linear time"):
        load_site_file(path)

"""The real portal profiles load through crawler.sites and their URL patterns fit the sites.

The URL tables are article and list URLs as the sites publish them (many copied from public
links to the sites); a profile without a table entry fails, so a new profile brings its URLs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import SITES_DIR, Site, SiteError, load_site_file, load_sites

# name -> (article URLs that must match article_pattern,
#          list/channel URLs that must match list_pattern and not article_pattern,
#          other URLs of the site that must match neither)
URLS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "people": (
        ("http://politics.people.com.cn/n1/2023/0920/c1001-40081234.html",
         "http://www.people.com.cn/n1/2023/0410/c32306-32660932.html",
         "http://society.people.com.cn/n1/2024/0715/c1008-40278016.html"),
        ("http://politics.people.com.cn/GB/1024/index.html",
         "http://politics.people.com.cn/GB/1024/index2.html"),
        # provincial channels (n2) are people's articles too (issue 9), xj's included
        ("http://www.people.com.cn/rss/politics.xml",
         "http://bbs1.people.com.cn/postLink.do?nid=31153719"),
    ),
    "people-xj": (
        ("http://xj.people.com.cn/n2/2017/0919/c188514-30748560.html",
         "http://xj.people.com.cn/n2/2020/0503/c394722-33993046.html",
         "https://xj.people.com.cn/n2/2023/1110/c186332-40635831.html",
         "http://xj.people.com.cn/n2/2016/1228/c186332-29526508.htm"),
        ("http://xj.people.com.cn/GB/186332/index.html",
         "http://xj.people.com.cn/GB/186332/index3.html"),
        ("http://politics.people.com.cn/n1/2023/0920/c1001-40081234.html",),
    ),
    "xinhua": (
        ("http://www.news.cn/local/20230920/0a1b2c3d4e5f60718293a4b5c6d7e8f9/c.html",
         "http://www.news.cn/politics/20240316/0cb6591845a54a5d8a0993cb911f135d/c.html",
         "http://www.news.cn/fortune/2023-11/17/c_1129981476.htm",
         "http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm"),
        ("http://www.news.cn/local/", "http://www.news.cn/politics/index.html"),
        # provincial sites are xinhua's articles too (issue 9); forum threads are not
        ("http://forum.home.news.cn/detail/141546082/1.html",),
    ),
    "xinhua-xj": (
        ("https://xj.news.cn/20250228/f268129a16414a87a8039648fadec9ca/c.html",
         "https://www.xj.news.cn/20240316/0cb6591845a54a5d8a0993cb911f135d/c.html",
         "http://www.xj.xinhuanet.com/2019-07/12/c_1124743124.htm"),
        ("https://www.xj.news.cn/",),
        ("https://www.xj.news.cn/20240816/bc6bf6b48b4d429cb0e0bcee735b34ed/"
         "20240816bc6bf6b48b4d429cb0e0bcee735b34ed_202408160fcd806f8.jpg",),
    ),
    "chinanews": (
        ("http://www.chinanews.com.cn/gn/2023/08-29/10068694.shtml",
         "https://www.chinanews.com.cn/gn/2023/04-03/9983408.shtml",
         "https://www.chinanews.com.cn/sh/2023/09-20/10081234.shtml",
         "http://www.chinanews.com/gj/2021/05-18/9480369.shtml"),
        ("https://www.chinanews.com.cn/scroll-news/news1.html",
         "https://www.chinanews.com.cn/scroll-news/news2.html"),
        ("https://www.chinanews.com.cn/rss/scroll-news.xml", "https://www.chinanews.com.cn/"),
    ),
    "cctv": (
        ("https://news.cctv.com/2023/03/02/ARTIUCKFf9kE9eXgYE46ugx3230302.shtml",
         "https://news.cctv.com/2025/03/18/ARTIBGxZimVRdPm2cEh7ENNG250318.shtml",
         "https://news.cctv.com/2024/09/20/ARTI4dvPnFUGboPsvR1F1V8S240920.shtml",
         "https://news.cctv.com/2024/06/08/ARTIxzwGsbguX8eSCypcaSHM240608.shtml"),
        ("https://news.cctv.com/china/", "https://news.cctv.com/china/index.shtml"),
        ("https://search.cctv.com/search.php?qtext=援疆&type=web",),
    ),
    "gmw": (
        ("https://tech.gmw.cn/2023-02/20/content_36377739.htm",
         "https://health.gmw.cn/2023-06/13/content_36628062.htm",
         "https://m.gmw.cn/2023-04/12/content_1303339963.htm"),
        ("https://politics.gmw.cn/node_9844.htm", "https://politics.gmw.cn/node_9844_2.htm"),
        ("https://www.gmw.cn/",),
    ),
    "china-com-cn": (
        ("http://news.china.com.cn/2024-11/18/content_117554263.shtml",
         "http://news.china.com.cn/2022-03/29/content_78135389.htm",
         "http://grassland.china.com.cn/2018-12/10/content_40606997.html"),
        ("http://news.china.com.cn/node_7247300.htm", "http://xinjiang.china.com.cn/"),
        # the Big5 gateway re-serves originals in Traditional script: crawl the original
        ("http://big5.china.com.cn/gate/big5/news.china.com.cn/2020-01/30/content_75657770.htm",),
    ),
    "ts-cn": (
        ("https://www.ts.cn/xwzx/jjxw/202311/t20231101_17036812.shtml",
         "https://www.ts.cn/xwzx/whxw/202206/t20220613_7359611.shtml",
         "https://www.ts.cn/xwzx/shxw/202409/t20240923_23975204.shtml",
         "http://news.ts.cn/system/2019/07/12/035812345.shtml"),
        ("https://www.ts.cn/xwzx/szxw/", "https://www.ts.cn/xwzx/szxw/index_2.shtml"),
        ("https://www.ts.cn/xwzx/shxw/202211/W020221110388532758516.jpeg",),
    ),
    "xjdaily": (
        ("http://xjrb.xjdaily.com/jryw/1161369.shtml",
         "https://www.xjdaily.com.cn/xjxw/2345678.shtml"),
        ("https://www.xjdaily.com.cn/", "http://xjrb.xjdaily.com/jryw/"),
        ("http://www.xjdaily.com/upload/resources/image/2018/08/06/82665.jpg",),
    ),
    "xjbt-gov": (
        ("http://www.xjbt.gov.cn/c/2020-06-12/7358537.shtml",
         "https://www.xjbt.gov.cn/c/2025-09-16/8443122.shtml",
         "http://www.xjbt.gov.cn/c/2024-03-05/8326352.shtml"),
        ("http://www.xjbt.gov.cn/xxgk/btyw/", "http://www.xjbt.gov.cn/xxgk/btyw/index_1.shtml"),
        ("https://btgaj.xjbt.gov.cn/c/2025-01-06/8378604.shtml",),
    ),
    "bingtuan-daily": (
        ("http://epaper.bingtuannet.com/pc/content/202309/20/content_123456.html",
         "http://www.bingtuannet.com/c/2023-09-20/8123456.shtml"),
        ("http://epaper.bingtuannet.com/pc/layout/202309/20/node_01.html",
         "http://epaper.bingtuannet.com/pc/layout/"),
        ("http://www.bingtuannet.com/",),
    ),
    "xinjiang-gov": (
        ("https://www.xinjiang.gov.cn/xinjiang/bmdt/202310/2339a216530641b7adab3da6bd6bbe48.shtml",
         "http://www.xinjiang.gov.cn/xinjiang/fgwjx/202009/d9bafda1ba5541db8d8d499934c20208.shtml",
         "https://www.xinjiang.gov.cn/xinjiang/tzgg/202412/a0b3b3ac363546589618dd9d49cc7fd7.shtml"),
        ("https://www.xinjiang.gov.cn/xinjiang/xjyw/common_list.shtml",
         "https://www.xinjiang.gov.cn/xinjiang/xjyw/common_list_2.shtml"),
        ("http://www.xinjiang.gov.cn/xinjiang/gzk/search_gkgz_1.shtml",),
    ),
    "shanxi-gov": (
        ("https://www.shanxi.gov.cn/ywdt/sxyw/202309/t20230920_9312345.shtml",
         "http://www.shanxi.gov.cn/yw/xwfbh/szfxwfbh/202009/t20200929_859251.shtml"),
        ("https://www.shanxi.gov.cn/ywdt/sxyw/", "https://www.shanxi.gov.cn/ywdt/sxyw/index_1.shtml"),
        ("https://www.shanxi.gov.cn/",),
    ),
    "sxrb": (
        ("http://www.sxrb.com/sxxww/xwpd/sxxw/7973123.shtml",
         "http://news.sxrb.com/sxxww/xwpd/shxw/8001234.shtml"),
        ("http://www.sxrb.com/sxxww/xwpd/", "http://www.sxrb.com/sxxww/xwpd/sxxw/index_2.shtml",
         "http://sz.sxrb.com/sxxww/dspd/szpd/bwch/"),
        ("http://www.sxrb.com/",),
    ),
    "shandong-gov": (
        ("http://www.shandong.gov.cn/art/2023/4/20/art_107851_120123.html",
         "http://www.shandong.gov.cn/art/2022/1/29/art_107851_117227.html",
         "http://www.shandong.gov.cn/art/2016/12/21/art_97741_53852.html?xxgkhide=1"),
        ("http://www.shandong.gov.cn/col/col97564/index.html",
         "http://www.shandong.gov.cn/col/col97564/index.html?uid=393814&pageNum=2"),
        ("http://nyj.shandong.gov.cn/col/col17016/index.html",),
    ),
    "dzwww": (
        ("https://www.dzwww.com/shandong/sdnews/202405/t20240523_14236393.htm",
         "http://www.dzwww.com/shandong/sdnews/201802/t20180201_16993386.htm",
         "http://www.dzwww.com/shandong/sdxwjxs/lc/201512/t20151201_13428755.htm"),
        ("https://www.dzwww.com/shandong/sdnews/",
         "https://www.dzwww.com/shandong/sdnews/default_1.htm"),
        ("http://www.dzwww.com/",),
    ),
    "hebei-gov": (
        ("https://www.hebei.gov.cn/columns/580d0301-2e0b-4152-9dd1-7d7f4e0f4980/202309/20/"
         "1a5c7b8b-cd10-4b1a-bb18-c3224dfc6a01.html",
         "https://www.hebei.gov.cn/columns/8dff597e-a95c-4b20-b321-a5320af40141/202405/15/"
         "39e53640-1494-4c39-9d42-203cee049a11.html"),
        ("https://www.hebei.gov.cn/columns/580d0301-2e0b-4152-9dd1-7d7f4e0f4980/index.html",
         "https://www.hebei.gov.cn/columns/49f13cc2-db03-4d0c-b4fe-2f3f659d3b6e/index.html"),
        ("https://www.hebei.gov.cn/columns/0/templates/b5a0012b-09bd-4038-95df-37c8fd97f2ac/",),
    ),
    "hebnews": (
        ("http://hebei.hebnews.cn/2020-06/25/content_7959208.htm",
         "https://world.hebnews.cn/2024-10/28/content_9254045.htm",
         "https://cangzhou.hebnews.cn/2025-07/23/content_9438999.htm"),
        ("http://hebei.hebnews.cn/", "http://hebei.hebnews.cn/node_124_2.htm"),
        ("http://img.hebnews.cn/2020-01/30/10f36e33-8dbc-4c3f-be33-14c12e71dc94_watermark.jpg",
         "https://www.hebnews.cn/sitemap.htm"),
    ),
    "jiangsu-gov": (
        ("https://www.jiangsu.gov.cn/art/2024/5/1/art_84324_11233441.html",
         "https://www.jiangsu.gov.cn/art/2025/7/16/art_46144_11602534.html",
         "http://www.jiangsu.gov.cn/art/2017/5/10/art_7408_4466662.html"),
        ("https://www.jiangsu.gov.cn/col/col60095/index.html",),
        ("https://www.jiangsu.gov.cn/art/2024/4/art_83566_11234567.html",),
    ),
    "xhby": (
        ("https://www.xhby.net/content/s6800fe3fe4b0e37860aec499.html",
         "https://www.xhby.net/content/s69cf8f3fe4b09a6c3e096de6.html"),
        ("https://www.xhby.net/",),
        ("https://www.xhby.net/content/",),
    ),
    "zhejiang-gov": (
        ("https://www.zj.gov.cn/art/2024/5/20/art_1229017135_6006425.html",
         "http://www.zj.gov.cn/art/2020/2/14/art_1551345_41917743.html"),
        ("https://www.zj.gov.cn/col/col1554467/index.html",),
        ("https://www.zj.gov.cn/art/2.html",),
    ),
    "zjol": (
        ("https://zjnews.zjol.com.cn/zjnews/202412/t20241203_30684754.shtml",
         "https://zjnews.zjol.com.cn/zjnews/202111/t20211130_23430318_ext.shtml",
         "https://zjnews.zjol.com.cn/zjnews/90zxw/202506/t20250611_31718581.shtml"),
        ("https://zjnews.zjol.com.cn/zjnews/", "https://zjnews.zjol.com.cn/zjnews/index_2.shtml"),
        ("https://zjnews.zjol.com.cn/ztjj/2017sjdzt/sjdqmtbd/201710/W020171025690874672386.jpg",
         "https://zjnews.zjol.com.cn/xwzx/jrtt.xml"),
    ),
    "guangdong-gov": (
        ("https://www.gd.gov.cn/gdywdt/dsdt/content/post_4148215.html",
         "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4422331.html",
         "http://www.gd.gov.cn/gdywdt/dsdt/content/mpost_4918501.html",
         "http://www.gd.gov.cn/gdywdt/zwzt/yqfk/content/post_3021711.html"),
        ("https://www.gd.gov.cn/gdywdt/gdyw/index.html", "https://www.gd.gov.cn/gdywdt/gdyw/index_2.html"),
        ("https://www.gd.gov.cn/gdywdt/zwzt/szzc/index.html",),
    ),
    "beijing-gov": (
        ("https://www.beijing.gov.cn/ywdt/gqrd/202509/t20250903_4189882.html",
         "https://www.beijing.gov.cn/ywdt/gzdt/202412/t20241222_3970796.html"),
        ("https://www.beijing.gov.cn/ywdt/gzdt/", "https://www.beijing.gov.cn/ywdt/gzdt/index_1.html"),
        ("https://www.beijing.gov.cn/ywdt/zwzt/jjjyth/xy/",),
    ),
    "shanghai-gov": (
        ("https://www.shanghai.gov.cn/nw4411/20251218/3507519749744088bd9b21f87ff6c81b.html",
         "https://www.shanghai.gov.cn/nw4411/20251202/4eab378222004d43acdfc9390078f90d.html"),
        ("https://www.shanghai.gov.cn/nw4411/index.html",
         "https://www.shanghai.gov.cn/nw4411/index_2.html"),
        ("https://www.shanghai.gov.cn/nw12344/20220323/0001-12344_20220323_0001.html",),
    ),
    "tianjin-gov": (
        ("https://www.tj.gov.cn/sy/tjxw/202502/t20250214_6857214.html",
         "https://www.tj.gov.cn/sy/xwfbh/xwfbh_210907/202509/t20250916_7133866.html"),
        ("https://www.tj.gov.cn/sy/tjxw/", "https://www.tj.gov.cn/sy/xwfbh/xwfbh_210907/"),
        ("https://www.tj.gov.cn/",),
    ),
    "liaoning-gov": (
        ("https://www.ln.gov.cn/web/ywdt/jrln/wzxx2018/2024093014452334478/index.shtml",
         "https://www.ln.gov.cn/web/ywdt/jrln/wzxx2018/2025051008465065776/index.shtml"),
        ("https://www.ln.gov.cn/web/ywdt/jrln/wzxx2018/index.shtml",
         "https://www.ln.gov.cn/web/ywdt/jrln/wzxx2018/index_2.shtml"),
        ("https://www.ln.gov.cn/web/zwgkx/zfwj/szfwj/2022n/2023042510154064611/index.shtml",),
    ),
    "hunan-gov": (
        ("https://www.hunan.gov.cn/hnyw/szdt/202106/t20210616_19518985.html",
         "http://www.hunan.gov.cn/hnyw/sy/hnyw1/202309/t20230920_29481234.html"),
        ("https://www.hunan.gov.cn/hnyw/zwdt/", "https://www.hunan.gov.cn/hnyw/sy/hnyw1/index_2.html"),
        ("https://www.hunan.gov.cn/",),
    ),
    "anhui-gov": (
        ("https://www.ah.gov.cn/zwyw/mtjj/554155611.html",
         "https://www.ah.gov.cn/zwyw/jryw/565497491.html"),
        ("https://www.ah.gov.cn/zwyw/jryw/index.html", "https://www.ah.gov.cn/zwyw/jryw/index_2.html"),
        ("https://www.ah.gov.cn/zwyw/ztzl/fkxxgzbdgrdfyyq/yqfkzccs/sjzccs/index.html",),
    ),
    "henan-gov": (
        ("https://www.henan.gov.cn/2025/03-20/3138572.html",
         "https://www.henan.gov.cn/2022/11-25/2646103.html"),
        ("https://www.henan.gov.cn/zwgk/hnyw/", "https://www.henan.gov.cn/zwgk/hnyw/index_2.html"),
        ("https://www.henan.gov.cn/",),
    ),
    "hubei-gov": (
        ("https://www.hubei.gov.cn/hbfb/xwfbh/202501/t20250122_5515065.shtml",
         "https://www.hubei.gov.cn/zwgk/hbyw/hbywqb/202309/t20230920_4845123.shtml"),
        ("https://www.hubei.gov.cn/zwgk/hbyw/hbywqb/index.shtml", "https://www.hubei.gov.cn/hbfb/bmdt/"),
        ("https://www.hubei.gov.cn/igs/front/search/list.html",),
    ),
    "jiangxi-gov": (
        ("http://www.jiangxi.gov.cn/art/2020/8/7/art_5178_2697256.html",
         "http://www.jiangxi.gov.cn/art/2019/5/19/art_393_692735.html",
         "https://www.jiangxi.gov.cn/art/2024/7/25/art_5057_4963506.html?xxgkhide=1"),
        ("http://www.jiangxi.gov.cn/col/col393/index.html",),
        ("http://www.jiangxi.gov.cn/",),
    ),
    "fujian-gov": (
        ("http://www.fujian.gov.cn/xwdt/fjyw/202012/t20201207_5474736.htm",
         "https://www.fujian.gov.cn/xwdt/tpxx/202510/t20251001_7018174.htm"),
        ("https://www.fujian.gov.cn/xwdt/fjyw/", "https://www.fujian.gov.cn/xwdt/fjyw/index_1.htm"),
        ("https://www.fujian.gov.cn/szf/hd/",),
    ),
    "jilin-gov": (
        ("http://www.jl.gov.cn/zw/yw/jlyw/202309/t20230920_8801234.html",
         "https://www.jl.gov.cn/zw/yw/jlyw/201807/t20180720_4961234.html"),
        ("http://www.jl.gov.cn/zw/yw/jlyw/", "http://www.jl.gov.cn/zw/yw/jlyw/index_1.html"),
        ("http://www.jl.gov.cn/zw/yw/jlyw/201807/W020180720242813864654.jpg",
         "https://www.jl.gov.cn/zw/jcxxgk/gzbg/szfgzbg/202301/t20230120_8662908.html"),
    ),
    "heilongjiang-gov": (
        ("https://www.hlj.gov.cn/hlj/c107857/202506/c00_31851940.shtml",
         "https://www.hlj.gov.cn/hlj/c108519/202503/c00_31816708.shtml"),
        ("https://www.hlj.gov.cn/hlj/c107856/common_list.shtml",
         "https://www.hlj.gov.cn/hlj/c104373/common_list_2.shtml"),
        ("https://www.hlj.gov.cn/hlj/c108368/zwgk.shtml",),
    ),
}

# The province's own words and the places it aids (the task's pairing table).
OWN_TERMS: dict[str, tuple[str, ...]] = {
    "shanxi-gov": ("晋疆", "昌吉", "阜康", "兵团第六师"), "sxrb": ("晋疆", "昌吉"),
    "shandong-gov": ("鲁疆", "喀什"), "dzwww": ("鲁疆", "喀什"),
    "hebei-gov": ("冀疆", "巴州", "兵团第二师"), "hebnews": ("冀疆", "巴州"),
    "jiangsu-gov": ("苏克", "伊犁", "克州"), "xhby": ("苏克", "伊犁"),
    "zhejiang-gov": ("浙阿", "阿克苏", "兵团第一师"), "zjol": ("浙阿", "阿克苏"),
    "guangdong-gov": ("粤疆", "喀什", "兵团第三师"), "beijing-gov": ("京和", "和田"),
    "shanghai-gov": ("沪喀", "喀什"), "tianjin-gov": ("津和", "和田"),
    "liaoning-gov": ("辽塔", "塔城"), "hunan-gov": ("湘吐", "吐鲁番"),
    "anhui-gov": ("皖疆", "皮山"), "henan-gov": ("豫哈", "哈密"), "hubei-gov": ("鄂博", "博州"),
    "jiangxi-gov": ("赣克", "阿克陶"), "fujian-gov": ("闽昌", "昌吉"),
    "jilin-gov": ("吉阿", "阿勒泰"), "heilongjiang-gov": ("黑龙江援疆", "阿勒泰"),
}


def _real_sites() -> dict[str, Site]:
    return {n: s for n, s in load_sites().items() if not n.startswith("demo-")}


@pytest.fixture(scope="module")
def sites() -> dict[str, Site]:
    return _real_sites()


def test_enough_real_profiles_and_every_one_has_a_url_table(sites: dict[str, Site]) -> None:
    assert len(sites) >= 20
    assert sorted(sites) == sorted(URLS), "every real profile needs a row in URLS, and back"


def test_profile_file_names_are_the_unique_names(sites: dict[str, Site]) -> None:
    files = [p for p in SITES_DIR.glob("*.toml") if not p.stem.startswith("demo-")]
    assert sorted(p.stem for p in files) == sorted(sites)
    assert len({s.outlet for s in sites.values()}) == len(sites), "outlets should differ too"


@pytest.mark.parametrize("name", sorted(URLS))
def test_article_and_list_patterns_fit_real_urls(name: str, sites: dict[str, Site]) -> None:
    site = sites[name]
    articles, lists, others = URLS[name]
    art, lst = site.article_re(), site.list_re()
    for url in articles:
        assert art.search(url), f"{name}: article pattern misses {url}"
        assert lst is None or not lst.search(url), f"{name}: list pattern takes article {url}"
    for url in lists:
        assert not art.search(url), f"{name}: article pattern takes list page {url}"
        assert lst is not None and lst.search(url), f"{name}: list pattern misses {url}"
    for url in others:
        assert not art.search(url), f"{name}: article pattern takes {url}"


@pytest.mark.parametrize("name", sorted(URLS))
def test_profile_is_real_and_discoverable(name: str, sites: dict[str, Site]) -> None:
    site = sites[name]
    assert not site.local
    assert site.outlet and site.topic_terms
    assert site.start_urls or site.sitemaps or site.feeds or site.search is not None
    domains = site.domains()
    urls = [*site.start_urls, *site.sitemaps, *site.feeds]
    for url in urls:
        host = url.split("/")[2]
        assert any(host == d or host.endswith("." + d) for d in domains), f"{url} off-domain"
    for url in site.start_urls:
        lst = site.list_re()
        is_home = url.rstrip("/").count("/") == 2
        assert is_home or (lst is not None and lst.search(url)), f"{name}: start {url} not a list"
    if site.search is not None:
        assert "{query}" in site.search.url and "{page}" in site.search.url
        assert site.search.terms, "search runs a few explicit terms, not every topic term"


@pytest.mark.parametrize("name", sorted(OWN_TERMS))
def test_province_profiles_carry_their_own_words(name: str, sites: dict[str, Site]) -> None:
    missing = [t for t in OWN_TERMS[name] if t not in sites[name].topic_terms]
    assert not missing, f"{name} lacks {missing}"


def test_discovery_methods_are_all_used(sites: dict[str, Site]) -> None:
    assert any(s.feeds for s in sites.values())
    assert {s.search.format for s in sites.values() if s.search} == {"html", "json"}
    assert sum(bool(s.start_urls) for s in sites.values()) >= 20


GOOD = """name = "{name}"
outlet = "测试"
start_urls = ["https://example.cn/list/"]
article_pattern = '/a/\\d+\\.html$'
"""

BAD: dict[str, tuple[str, str]] = {
    "no-article": ('name = "no-article"\nstart_urls = ["https://e.cn/"]\n', "article_pattern"),
    "bad-regex": (GOOD.replace("\\d+\\.html$", "(unclosed"), "article_pattern"),
    "other-name": (GOOD.replace('"{name}"', '"not-this-file"'), "name"),
    "base-url": (GOOD.replace("https://example.cn/list/", "{base}/list/"), "start_urls"),
    "no-discovery": (GOOD.replace('["https://example.cn/list/"]', "[]"), "start_urls"),
    "bad-search": (GOOD + '[search]\nurl = "https://example.cn/s?page={page}"\n', "search.url"),
    "json-ish": (GOOD + '[search]\nurl = "https://e.cn/s?q={query}"\nformat = "xml"\n',
                 "search.format"),
    "typo-key": (GOOD + "start_url = []\n", "start_url"),
    "local-str": (GOOD + 'local = "no"\n', "local"),
    "Upper": (GOOD, "name"),
}


@pytest.mark.parametrize("stem", sorted(BAD))
def test_validator_rejects_bad_profiles_with_clear_messages(stem: str, tmp_path: Path) -> None:
    text, field = BAD[stem]
    path = tmp_path / f"{stem}.toml"
    path.write_text(text.replace("{name}", stem), encoding="utf-8")
    with pytest.raises(SiteError) as info:
        load_site_file(path)
    message = str(info.value)
    assert str(path) in message and repr(field) in message, message


def test_a_good_profile_loads_and_a_copied_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ok-one.toml").write_text(GOOD.replace("{name}", "ok-one"), encoding="utf-8")
    assert load_sites(tmp_path)["ok-one"].start_urls == ("https://example.cn/list/",)
    # a profile copied to a new file without renaming would shadow the original
    (tmp_path / "ok-two.toml").write_text(GOOD.replace("{name}", "ok-one"), encoding="utf-8")
    with pytest.raises(SiteError, match=r"ok-two\.toml.*'name'"):
        load_sites(tmp_path)

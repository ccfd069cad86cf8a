"""Known hosts -> outlet names, for pages without og:site_name (longest suffix wins)."""

from __future__ import annotations

_HOSTS: dict[str, str] = {
    "chinanews.com": "中新网",
    "chinanews.com.cn": "中新网",
    "xinhuanet.com": "新华网",
    "news.cn": "新华网",
    "people.com.cn": "人民网",
    "cctv.com": "央视网",
    "cntv.cn": "央视网",
    "gov.cn": "中国政府网",
    "chinadaily.com.cn": "中国日报网",
    "china.com": "中华网",
    "sx.china.com": "中华网山西",
    "china.com.cn": "中国网",
    "gmw.cn": "光明网",
    "youth.cn": "中国青年网",
    "ce.cn": "中国经济网",
    "cnr.cn": "央广网",
    "ts.cn": "天山网",
    "xjbt.gov.cn": "兵团网",
    "bingtuannet.com": "中国兵团网",
    "sxrb.com": "山西新闻网",
    "sxgov.cn": "山西新闻网",
    "dzwww.com": "大众网",
    "sdnews.com.cn": "山东新闻网",
    "hebnews.cn": "河北新闻网",
    "hebei.com.cn": "长城网",
    "sohu.com": "搜狐",
    "sina.com.cn": "新浪",
    "sina.com": "新浪",
    "163.com": "网易",
    "qq.com": "腾讯网",
    "ifeng.com": "凤凰网",
    "thepaper.cn": "澎湃新闻",
    "baidu.com": "百度",
    "huanqiu.com": "环球网",
    "guancha.cn": "观察者网",
    "qianlong.com": "千龙网",
    "yahoo.com.cn": "雅虎中国",
    "cn.yahoo.com": "雅虎中国",
}


def outlet_for_host(host: str) -> str | None:
    """The outlet name for a host name, matching the longest known domain suffix."""
    host = (host or "").lower().rstrip(".")
    best: tuple[int, str] | None = None
    for domain, name in _HOSTS.items():
        if host == domain or host.endswith("." + domain):
            if best is None or len(domain) > best[0]:
                best = (len(domain), name)
    return best[1] if best else None

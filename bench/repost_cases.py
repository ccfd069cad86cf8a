"""Repost benchmark cases: real texts reposted by generated outlets (light edits, Traditional
with pinyin glosses, GBK farm, paragraph swaps, same-template and shared-passage look-alikes),
written to a WARC. Reads /work/shared/evaldata and /work/shared/seeds."""

from __future__ import annotations

import html
import io
import json
import random
import re
from pathlib import Path

import opencc
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
EVAL = SHARED / "evaldata" / "extract"
OUTLETS = [
    ("中华网山西", "shanxi.china.com"),
    ("新华网", "www.news.cn"),
    ("人民网", "xj.people.com.cn"),
    ("天山网", "www.ts.cn"),
    ("澎湃新闻", "www.thepaper.cn"),
    ("山西日报", "www.sxrb.com"),
    ("搜狐", "www.sohu.com"),
    ("网易新闻", "www.163.com"),
    ("大众网", "www.dzwww.com"),
]
FARM = ("才聚人力资源网", "www.rcjob-hr.com")
TW = ("中新網", "www.chinanews.com.tw")
GLOSS = {
    "網": "wǎng",
    "區": "qū",
    "務": "wù",
    "創": "chuàng",
    "發": "fā",
    "經": "jīng",
    "濟": "jì",
    "產": "chǎn",
    "業": "yè",
    "國": "guó",
    "民": "mín",
    "設": "shè",
    "項": "xiàng",
    "育": "yù",
    "醫": "yī",
    "療": "liáo",
    "展": "zhǎn",
    "質": "zhì",
}
FILLER_EDIT = "的了在是和有为与及并将对把被从"
ADDED = (
    "记者在采访中了解到，当地干部群众对这项工作给予了充分肯定，"
    "纷纷表示要继续努力，把好事办好、实事办实。"
)
CN_NEXT = dict(zip("一二三四五六七八九", "二三四五六七八九十", strict=True))


def bases() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted((EVAL / "chinese-web-content-extraction-dataset").glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        text = rec.get("text") or ""
        if 500 <= len(text) <= 6000 and rec.get("zh_script") == "Hans":
            out.append((path.stem[:8], rec.get("title") or text[:20], text))
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        if path.name[:3] in ("000", "001", "004"):
            text = path.read_text(encoding="utf-8")
            out.append(("seed" + path.name[:3], text.strip().split("\n")[0][:30], text))
    return out


def fillers() -> list[str]:
    out = []
    for path in sorted((EVAL / "cx-extractor-163-silver").glob("*.json")):
        text = json.loads(path.read_text(encoding="utf-8")).get("silver_text") or ""
        if len(text) >= 300:
            out.append(text)
    return out


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def page(
    outlet: tuple[str, str],
    title: str,
    text: str,
    date: str,
    origin: str = "",
    junk: list[str] = (),
) -> str:
    name, host = outlet
    nav = "".join(f'<a href="https://{host}/{c}/">{c}</a> ' for c in ("news", "gov", "video"))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(text))
    src = f"<span>来源：{html.escape(origin)}</span>" if origin else ""
    side = "".join(
        f'<li><a href="https://{host}/a/{i}.html">相关阅读{i}</a></li>' for i in range(5)
    )
    junk_html = "".join(
        f'<li><a href="https://{host}/j/{i}.html">{html.escape(j)}</a></li>'
        for i, j in enumerate(junk)
    )
    return (
        f'<html><head><meta charset="{{charset}}"><title>{html.escape(title)}_{name}</title>'
        f'<meta name="publishdate" content="{date}"></head><body><div class="nav">{nav}</div>'
        f'<div class="crumb">当前位置：{name}首页 &gt; 新闻 &gt; 正文</div>'
        f"<h1>{html.escape(title)}</h1>"
        f'<div class="info"><span>{date}</span>{src}</div><div class="article">{body}</div>'
        f'<ul class="links">{junk_html}</ul>'
        f'<div class="side"><h3>为您推荐</h3><ul>{side}</ul></div>'
        f'<div class="footer">版权所有 {name} 京ICP备12345678号</div></body></html>'
    )


def light_edit(text: str, share: float, rng: random.Random) -> str:
    chars = list(text)
    han = [i for i, ch in enumerate(chars) if "\u4e00" <= ch <= "\u9fff"]
    for i in rng.sample(han, int(len(han) * share)):
        chars[i] = rng.choice(FILLER_EDIT)
    return "".join(chars)


def template_copy(text: str, rng: random.Random) -> str | None:
    changed = [0]

    def num(m: re.Match) -> str:
        value = m.group(0)
        if len(value) == 4 and value.startswith(("19", "20")):
            changed[0] += 1
            return str(int(value) + 1)
        if rng.random() < 0.5 or len(value) > 6:
            return value
        changed[0] += 1
        return str(int(value) + rng.randint(1, 9))

    out = re.sub(r"(?<![\d.])\d+(?![\d.])", num, text)
    out = re.sub(
        r"第([一二三四五六七八九])(批|届|期)", lambda m: f"第{CN_NEXT[m.group(1)]}{m.group(2)}", out
    )
    return out if changed[0] >= 2 or (out != text and changed[0] >= 1) else None


def shared_doc(base: str, filler: str, rng: random.Random) -> str | None:
    clauses = [c for c in re.split(r"[，。；,;]", base) if len(c) >= 8]
    with_figures = [c for c in clauses if re.search(r"\d", c)] or clauses
    if len(with_figures) < 2:
        return None
    picked = rng.sample(with_figures, min(len(with_figures), rng.choice((2, 3))))
    paras = paragraphs(filler)
    paras.insert(len(paras) // 2, "据此前报道，" + "，".join(picked) + "。")
    return "\n".join(paras)


def glossed_traditional(text: str, rng: random.Random) -> str:
    trad = opencc.OpenCC("s2tw").convert(text)
    return "".join(
        ch + f"({GLOSS[ch]})" if ch in GLOSS and rng.random() < 0.6 else ch for ch in trad
    )


def build(rng: random.Random) -> tuple[list[dict], dict[str, str]]:
    """Pages ({url, html, charset, group, role, base}) and truth: url -> cluster label."""
    docs: list[dict] = []
    fill = fillers()
    for n, (bid, title, text) in enumerate(bases()):
        day = f"2023-{1 + n % 12:02d}-{1 + n % 27:02d}"
        o1, o2, o3 = rng.sample(OUTLETS, 3)

        def add(
            outlet, t, body, date, role, charset="utf-8", origin="", junk=(), group=bid, bid=bid
        ):
            url = f"https://{outlet[1]}/{date[:10].replace('-', '/')}/{bid}-{role}.html"
            docs.append(
                dict(
                    url=url,
                    html=page(outlet, t, body, date, origin, list(junk)),
                    charset=charset,
                    group=group,
                    role=role,
                    base=bid,
                )
            )

        add(o1, title, text, day + " 09:00", "orig")
        add(
            o2,
            "转载：" + title[:18],
            light_edit(text, rng.uniform(0.02, 0.04), rng),
            day + " 15:30",
            "edit",
            origin=o1[0],
        )
        add(
            TW,
            opencc.OpenCC("s2tw").convert(title),
            glossed_traditional(text, rng),
            day + " 18:00",
            "trad",
            charset="big5hkscs",
            origin=o1[0],
        )
        junk = [
            f"{i}、{rng.choice(['人才招聘', '简历模板', '公务员考试', '劳务派遣'])}"
            f"{rng.choice(['哪家好', '最新消息', '入口', '排名'])}{i * 7}"
            for i in range(80)
        ]
        add(FARM, title, text, day + " 20:00", "farm", charset="gbk", junk=junk)
        paras = paragraphs(text)
        if len(paras) >= 3:
            drop = rng.randrange(1, len(paras))
            paras = paras[:drop] + paras[drop + 1 :]
        paras.insert(rng.randrange(len(paras) + 1), ADDED)
        add(o3, title + "（图）", "\n".join(paras), day + " 22:00", "para")
        tmpl = template_copy(text, rng)
        if tmpl is not None:
            add(o1, title, tmpl, day.replace("2023", "2024") + " 09:00", "tmpl", group=bid + "-t")
        if fill:
            shared = shared_doc(text, fill.pop(), rng)
            if shared is not None:
                add(o2, "综述" + str(n), shared, day + " 10:00", "shared", group=bid + "-s")
    return docs, {d["url"]: d["group"] for d in docs}


def write_warc(docs: list[dict], path: Path) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for d in docs:
            host = d["url"].split("/")[2]
            body = d["html"].replace("{charset}", d["charset"])
            payload = body.encode(d["charset"], errors="xmlcharrefreplace")
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", host)], is_http_request=True)
            writer.write_record(writer.create_warc_record(d["url"], "request", http_headers=req))
            declared = "gb2312" if d["charset"] == "gbk" else d["charset"].replace("hkscs", "")
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", f"text/html; charset={declared}")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    d["url"], "response", payload=io.BytesIO(payload), http_headers=headers
                )
            )
            d["bytes"] = payload

"""Chinese portal junk lexicon and line/block rules applied to extracted lines: share/print
widgets, breadcrumbs, footers, tail sections (相关阅读, 为您推荐), teaser and link lists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from zhtext import to_simplified

# Buttons and counters of social widgets, forums and Q&A pages ("点赞 (5)", "评论 收藏 举报").
_WIDGETS = (
    "点赞|赞|评论|收藏|举报|复制链接|新浪微博|微信|微博|QQ空间|关注|已关注|\\+关注|展开全部|"
    "展开|收起|回复|引用|我来答|抢首赞|已赞过|已踩过|只看该作者|倒序浏览|阅读模式|电梯直达|"
    "使用道具|打赏|顶|踩|浏览|阅读|喜欢|转发|编辑|删除|更多|QQ空间|Qzone|QQ好友|微信好友|朋友圈|"
    "豆瓣|人人网|腾讯微博|Facebook|Twitter|LinkedIn|邮件|打印|广告"
)
# Whole-line junk: short lines that are page chrome wherever they appear. Each pattern has a
# name so the bench can report which rule leaked. Lines longer than _SHORT are never judged
# by these (a sentence that mentions 分享 is prose).
JUNK_LINES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, re.I))
    for name, rx in (
        ("share", r"^(分享到|分享至|一键分享|扫一扫|微信扫一扫|扫码|扫描二维码|手机看新闻)"),
        ("share", r"^分享[:：]?$"),
        ("share", r"(分享到|扫一扫|二维码)[:：]?$"),
        ("correct", r"[【\[](纠错|打印|关闭|关闭窗口|打印本页|打印本文|收藏|推荐给朋友)[】\]]"),
        ("correct", r"^(纠错|打印|关闭|关闭窗口|打印本页|打印本文|收藏本页|推荐给朋友)$"),
        ("fontsize", r"(字号|字体)[:：]?\s*[【\[]?\s*大\s*中\s*小|[【\[]\s*大\s*中\s*小\s*[】\]]"),
        ("prevnext", r"^(上一篇|下一篇|上一页|下一页|上一条|下一条)[:：]?"),
        ("prevnext", r"^[<《«]{1,2}\s*上一页|下一页\s*[>》»]{1,2}$"),
        ("tail", r"^(相关阅读|相关新闻|相关报道|相关链接|相关文章|延伸阅读|为您推荐|猜你喜欢)"),
        ("tail", r"^(24小时热点|热点推荐|热门推荐|热门文章|精彩推荐|推荐阅读|今日推荐|点击排行)"),
        ("copyright", r"版权所有|copyright|©|all rights reserved|版權所有"),
        ("icp", r"icp[备證证]|公网安备|公網安備|网上传播视听节目许可证|互联网新闻信息服务许可证"),
        ("keywords", r"^(关键词|关键字|标签|關鍵詞|TAG)([:：]|$)"),
        ("editor", r"^[\[【(（]?\s*(责任编辑|責任編輯|编辑|編輯|责编)\s*[:：]"),
        ("breadcrumb", r"^(当前位置|您现在的位置|您的位置|現在位置|所在位置)[:：]?"),
        ("breadcrumb", r"^(首页|网站首页)\s*[>»＞›/]"),
        ("comment", r"^(发表评论|我要评论|网友评论|查看评论|评论\(\d*\)|已有\d+人参与)"),
        ("backtop", r"^(返回顶部|返回首页|回到顶部|返回页首|\[?返回\]?)$"),
        ("disclaimer", r"^(声明|免责声明)[:：]|不代表本(网|站|网站|平台)"),
        ("disclaimer", r"本(网|站|网站|平台).{0,30}不代表"),
        ("disclaimer", r"^[【\[]?(免责|特别)?声明[】\]]|^特别声明[:：]|本平台仅提供信息存储服务"),
        ("disclaimer", r"^Notice: The content above|未经(允许|许可|授权).{0,6}(不得|禁止)转载"),
        ("disclaimer", r"本文仅代表作者(本人|个人)?观点"),
        ("notice", r"版权与免责声明|凡本(网|站)注明|版权均属于"),
        ("url", r"^(https?://|www\.)\S+$"),
        ("fragment", r"^[【\[(（]\s*\w{0,4}\s*$"),
        ("contact", r"举报电话|违法和不良信息|举报邮箱"),
        ("share", r"扫描.{0,8}二维码|扫.{0,2}二维码|二维码.{0,8}关注"),
        ("share", r"欢迎.{0,6}关注.{0,12}(公众号|微信|微博)"),
        ("share", r"^.{0,10}(公众号|官方微信|官方微博)$|^点击进入专题"),
        ("share", r"^关注.{0,8}(网|微博|微信|公众号)$"),
        ("backtop", r"正文已结束|返回.{0,8}首页\s*[>》]*$"),
        ("fontsize", r"^调整字体$|^字体[:：]?\s*[大中小]"),
        ("fontsize", r"^[大中小]?字号[:：]?\s*[大中小+\-＋－]*$|^[AＡ]\s*[+＋]\s*[AＡ]\s*[-－]$"),
        # WeChat article widgets reposted with the text (thepaper 澎湃号 pages).
        ("widget", r"看都看完了|点.{0,2}[【\[「“]?在看[】\]」”]?.{0,4}试试|^在看$|^点击.{0,4}在看"),
        ("disclaimer", r"如有侵权|请联系(我们|本站)?删除|来源于网络公开|仅供参考.{0,8}不构成"),
        ("disclaimer", r"未经(书面)?授权.{0,8}(禁止|不得)转载|未經(書面)?授權|转载请注明"),
        ("contact", r"^(客服热线|联系我们|关于我们|网站地图|广告服务|投稿邮箱)"),
        ("symbols", r"^[^\w]+$"),
        ("widget", rf"^(?:(?:{_WIDGETS})[\s()（）\d<>·|/:：,，万kKwW.]*)+$"),
        ("widget", r"^\d+\s*(条评论|个回答|人点赞|人参与|次浏览|次阅读|人关注)$"),
        ("login", r"^(登录|注册|登录\s*[|/]\s*注册)$"),
        # Sign-in prompts of comment widgets and Q&A pages ("登录后你可以", "立即注册！").
        ("prompt", r"^(请\s*)?登录后|立即注册[！!]?$|^(马上|立即|免费)注册"),
        ("prompt", r"^.{0,12}\s广告$|^广告$|^共找到\s*[\d,]+\s*个"),
        # A forum post's footer: "IP属地:广东来自Android客户端8楼2023-02-01 21:54".
        ("prompt", r"来自\S{0,16}客户端\s*\d+楼|^\d+楼\s*\d{4}-\d{2}-\d{2}"),
        ("footer", r"国内统一刊号|邮发代号|^主办(单位)?[:：]|^承办[:：]|技术支持[:：]"),
        ("footer", r"^(电话|传真)[:：]"),
        ("footer", r"^(地址|通讯地址)[:：].{0,40}(邮编|邮政编码)"),
    )
)
_SHORT = 80
# Rules for lines that are dropped from the text but do not end the article where they
# stand: sign-in prompts, ad labels and post footers sit between a thread's posts.
LINE_ONLY = frozenset({"prompt"})
_HAN_RE = re.compile("[\u4e00-\u9fff]")
# A heading that opens a tail section ends the article: everything after it is chrome.
_TAIL_HEADING_RE = re.compile(
    r"^[【\[]?(相关阅读|相关新闻|相关报道|相关链接|相关文章|延伸阅读|为您推荐|猜你喜欢|24小时热点|"
    r"热点推荐|热门推荐|精彩推荐|推荐阅读|今日推荐|点击排行|热门文章|更多精彩|网友评论|相关推荐|"
    r"最热评论|最新评论|热门评论|精彩评论|热门阅读|大家都在看|看了本文的人还看了|延伸\s*·?\s*推荐|"
    r"更多(新闻|文章|资讯|报道|内容)|热门(新闻|资讯)|最新(文章|资讯)|"
    r"(您|你)?可能(会)?(感兴趣|有兴趣|喜欢)的?(文章|内容|新闻|资讯)?)"
    r"[】\]]?[:：]?\s*$"
    r"|^\d+条评论\s*[|｜]"
)


def is_tail_heading(line: str, view: str | None = None) -> bool:
    """A heading that opens the page's tail (related links, comments, hot lists). `view`: the
    line already converted to Simplified, when the caller converted many lines at once."""
    if len(line) > 30:
        return False
    return _TAIL_HEADING_RE.match((view or to_simplified(line)).strip()) is not None


_TEASER_RE = re.compile(r"(\.{3,}|…{1,2}|。。。)\s*$")
_NUMBERED_RE = re.compile(r"^\s*(\d{1,3}|[①-⑳])\s*[.、．)）]?\s*\S")
_SENTENCE_END_RE = re.compile(r"[。！？!?」”\"]\s*$")
_LIST_RUN = 8


# Footer rules are specific enough to judge long lines too (chinanews' ICP line is 120 chars).
_LONG_OK = frozenset({"copyright", "icp", "disclaimer", "footer", "contact", "notice"})
# In a line that reads as prose (a full stop, over 30 chars), only unmistakable notices count.
_PROSE_OK = frozenset({"icp", "disclaimer", "notice"})
_LONG = 240


def _keyword_spam(line: str) -> bool:
    """SEO keyword lines (seed 003: 劳务派遣 深圳劳务派遣公司 劳务派遣公司 …): many short
    space-separated tokens, no sentence punctuation, one 4-character stem repeated."""
    tokens = line.split()
    if len(tokens) < 4 or re.search(r"[，。！？；,;!?]", line):
        return False
    squeezed = "".join(t for t in tokens if _HAN_RE.search(t))
    grams = Counter(squeezed[i : i + 4] for i in range(len(squeezed) - 3))
    return bool(grams) and max(grams.values()) >= 3 and max(map(len, tokens)) <= 12


def _combined(names: frozenset[str] | None) -> re.Pattern[str]:
    """One alternation of the rules in `names` (all when None): a line that matches none of
    them, which is most lines, costs one search instead of one per rule (issue 11)."""
    parts = [rx.pattern for name, rx in JUNK_LINES if names is None or name in names]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.I)


_ANY_SHORT = _combined(None)
_ANY_LONG = _combined(_LONG_OK)
_ANY_PROSE = _combined(_PROSE_OK)


def _split_at_line_only() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two alternations of the short-line rules, in list order: those before the first
    line-only rule, and the line-only rules. For a line that some rule matches, the first
    group that matches tells whether the first matching rule in list order is a line-only
    one, so `junk_class` needs no per-rule loop."""
    names = [name for name, _ in JUNK_LINES]
    first = names.index(next(n for n in names if n in LINE_ONLY))
    last = max(i for i, n in enumerate(names) if n in LINE_ONLY)
    assert all(n in LINE_ONLY for n in names[first : last + 1]), "line-only rules must be adjacent"

    def alt(rules: tuple[tuple[str, re.Pattern[str]], ...]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{rx.pattern})" for _, rx in rules) or "(?!)", re.I)

    return alt(JUNK_LINES[:first]), alt(JUNK_LINES[first : last + 1])


_SHORT_BEFORE, _SHORT_LINE_ONLY = _split_at_line_only()
NOT_JUNK, LINE_JUNK, JUNK = 0, 1, 2


def simplified_lines(lines: Sequence[str]) -> list[str]:
    """Each line in Simplified script, with one OpenCC call for all of them: a call per line
    cost ~6% of a page (lines hold no newline: segments collapse whitespace)."""
    views = to_simplified("\n".join(lines)).split("\n") if lines else []
    return views if len(views) == len(lines) else [to_simplified(line) for line in lines]


def junk_rule(line: str, view: str | None = None) -> str | None:
    """The name of the junk rule a whole line matches, or None (Traditional lines too).
    `view`: the line in Simplified script, if the caller has it (see `simplified_lines`)."""
    if len(line) > _LONG:
        return None
    if _keyword_spam(line):
        return "seo"
    if view is None:
        view = to_simplified(line) if not line.isascii() else line
    prose = len(line) > 30 and "。" in line
    if prose:
        prefilter, allowed = _ANY_PROSE, _PROSE_OK
    elif len(line) <= _SHORT:
        prefilter, allowed = _ANY_SHORT, None
    else:
        prefilter, allowed = _ANY_LONG, _LONG_OK
    if prefilter.search(view) is None:
        return None
    # Which rule: the first in list order, as the bench reports rule names.
    for name, rx in JUNK_LINES:
        if (allowed is None or name in allowed) and rx.search(view):
            return name
    return None


def junk_class(line: str, view: str | None = None) -> int:
    """NOT_JUNK, LINE_JUNK (a line-only rule: dropped, but it does not end a run) or JUNK:
    the same answer as `junk_rule`'s name would give, without finding the name (the density
    run asks this of every segment of a page)."""
    if len(line) > _LONG:
        return NOT_JUNK
    if _keyword_spam(line):
        return JUNK
    if view is None:
        view = to_simplified(line) if not line.isascii() else line
    if len(line) > 30 and "。" in line:
        return JUNK if _ANY_PROSE.search(view) else NOT_JUNK
    if len(line) > _SHORT:
        return JUNK if _ANY_LONG.search(view) else NOT_JUNK
    if _ANY_SHORT.search(view) is None:  # most lines: one search
        return NOT_JUNK
    if _SHORT_BEFORE.search(view):
        return JUNK
    return LINE_JUNK if _SHORT_LINE_ONLY.search(view) else JUNK


def _cut_tail(lines: list[str]) -> list[str]:
    # Only past the first third: a tail heading at the very top is a menu, not the end.
    start = max(1, len(lines) // 3)
    for i in range(start, len(lines)):
        if is_tail_heading(lines[i]):
            return lines[:i]
    return lines


def _list_runs(lines: list[str]) -> set[int]:
    """Indexes of long counted lists of short unpunctuated items (seed 003's 100 links).

    The items must count up one by one for at least _LIST_RUN lines: numbered steps of an
    article (1、2、3、) restart often and stay.
    """
    drop: set[int] = set()
    run: list[int] = []
    last = None
    for i, line in enumerate([*lines, ""]):
        m = _NUMBERED_RE.match(line) if len(line) <= 60 else None
        if m and not _SENTENCE_END_RE.search(line) and m.group(1).isdecimal():
            number = int(m.group(1))
            if last is not None and number == last + 1:
                run.append(i)
                last = number
                continue
            if len(run) >= _LIST_RUN:
                drop.update(run)
            run, last = [i], number
            continue
        if len(run) >= _LIST_RUN:
            drop.update(run)
        run, last = [], None
    return drop


def _teasers(lines: list[str]) -> set[int]:
    """Lines cut off with '...' (content-farm teasers), when two or more come together."""
    hits = [i for i, line in enumerate(lines) if _TEASER_RE.search(line) and len(line) < 120]
    drop: set[int] = set()
    for i in hits:
        if i - 1 in hits or i + 1 in hits:
            drop.add(i)
    return drop


def article_end(lines: Sequence[str]) -> int:
    """Index where the article's tail starts (a tail heading or a teaser run, past the first
    third), or len(lines): metadata read beyond it belongs to other stories (seed 004)."""
    start = max(1, len(lines) // 3)
    teasers = _teasers(list(lines))
    for i in range(start, len(lines)):
        if i in teasers or is_tail_heading(lines[i]):
            return i
    return len(lines)


def filter_lines(lines: Sequence[str]) -> list[str]:
    """Drop junk lines, cut tail sections, and remove teaser and link-list runs."""
    kept = [line for line in _cut_tail(list(lines)) if junk_rule(line) is None]
    drop = _list_runs(kept) | _teasers(kept)
    return [line for i, line in enumerate(kept) if i not in drop]


def leaked(text: str, reference: str = "") -> tuple[str, ...]:
    """Junk-rule names matched by lines of `text` that `reference` does not contain.

    Symbol-only lines (table borders in trafilatura's text output) are not lexicon lines.
    """
    ref = "".join(reference.split())
    names = []
    for line in text.splitlines():
        line = line.strip()
        rule = junk_rule(line)
        if rule and rule != "symbols" and "".join(line.split()) not in ref:
            names.append(rule)
    return tuple(names)

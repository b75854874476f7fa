"""WeChat official-account articles (mp.weixin.qq.com), where many government offices publish
their policies too.

The page is built for the app: the article sits in #js_content, hidden with visibility:hidden
until a script shows it; the title, the account's name and the publish time live in script
variables (msg_title, nickname, ct as a Unix time) and og: meta tags, not in the markup. Read
here before the scripts are pruned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit

from .dom import Element, select, text_of

SITE_NAME = "微信公众平台"
ARTICLE_HOST = "mp.weixin.qq.com"
_VARIABLE = re.compile(
    r"""\bvar\s+(nickname|ct|msg_title|publish_time)\s*=\s*(?:htmlDecode\()?\s*(["'])(.*?)\2""", re.DOTALL
)
_BEIJING = timezone(timedelta(hours=8))


@dataclass
class WeChatArticle:
    content: Element | None
    title: str = ""
    account: str = ""
    publish_date: str | None = None


# What names one article in an mp.weixin.qq.com/s?… address; the rest (chksm, scene, sessionid,
# key, …) differs per share and per reader.
_ARTICLE_KEYS = ("__biz", "mid", "idx", "sn")


def article_url(url: str) -> str | None:
    """The canonical address of a WeChat article link, or None when url is not one. Short links
    (/s/abc…) are kept as they are."""
    parts = urlsplit(url)
    if parts.hostname != ARTICLE_HOST or not (parts.path == "/s" or parts.path.startswith("/s/")):
        return None
    if parts.path != "/s":
        return f"https://{ARTICLE_HOST}{parts.path}"
    query = dict(parse_qsl(parts.query))
    kept = [(key, query[key]) for key in _ARTICLE_KEYS if key in query]
    return f"https://{ARTICLE_HOST}/s?{urlencode(kept)}" if kept else None


def is_wechat(root: Element, tags: dict[str, str], url: str | None) -> bool:
    claimed = tags.get("og:site_name") == SITE_NAME or ARTICLE_HOST in (url or "")
    return claimed and bool(select(root, "#js_content"))


def _date(variables: dict[str, str]) -> str | None:
    stamp = variables.get("ct", "")
    if stamp.isdigit():
        return datetime.fromtimestamp(int(stamp), UTC).astimezone(_BEIJING).strftime("%Y-%m-%d")
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", variables.get("publish_time", ""))
    return "-".join(match.groups()) if match else None


def read_wechat(root: Element, tags: dict[str, str]) -> WeChatArticle:
    """The article's body element, title, account and publish date; call before pruning scripts."""
    variables: dict[str, str] = {}
    for script in root.iter("script"):
        for name, _quote, value in _VARIABLE.findall(script.text or ""):
            variables.setdefault(name, value.strip())
    heading = select(root, "#activity-name")
    account = select(root, "#js_name")
    return WeChatArticle(
        content=select(root, "#js_content")[0],
        title=tags.get("og:title")
        or variables.get("msg_title")
        or (" ".join(text_of(heading[0]).split()) if heading else ""),
        account=variables.get("nickname") or (" ".join(text_of(account[0]).split()) if account else ""),
        publish_date=_date(variables),
    )

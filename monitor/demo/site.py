"""A local government website for the demo and the tests, on 127.0.0.1.

Four page styles modelled on real sites: a TRS-CMS department site served in GBK, a commercial
policy portal, a government open-information page with a metadata table, and a Hanweb (大汉)
table layout whose listing is written by JavaScript from records in a script tag. And, for the
sites that need a browser (scripted.html): a listing built from a JSON endpoint by fetch() with a
pager only scripts understand ("fetch"), one built from inline data with a "加载更多" button
("inline"), documents whose text a script writes ("spa"), a page with two lists ("twolists"), and
a static first page whose 下一页 is an onclick fetching the rest ("onclick"). The chrome changes on
every request: view counters, a rotating news sidebar, today's date, a footer timestamp. The
documents change only when the demo (or a test) edits, publishes or removes them.
"""

from __future__ import annotations

import hashlib
import json
import random
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from .samples import Sample, load_sample

Style = Literal["trs", "portal", "xxgk", "hanweb", "fetch", "inline", "spa", "twolists", "onclick"]
SCRIPTED = ("fetch", "inline", "spa", "twolists", "onclick")
PageState = Literal["live", "gone", "soft404", "broken"]

NEWS_POOL = [
    "全区科技创新大会召开 部署新一轮创新驱动发展任务",
    "国家高新区综合评价结果发布 我区两家高新区排名上升",
    "科技型中小企业评价工作启动 截止时间为6月30日",
    "关于开展2021年度高新技术企业认定工作的通知",
    "自治区重点研发计划项目申报指南解读",
    "特斯拉第二季度营收169.34亿美元 同比增长42%",
    "贵州数字经济增速连续6年全国第一",
    "科技日报：西部地区创新能力持续提升",
    "我区召开科技成果转化工作推进会",
    "东西部科技合作对接会在银川举行",
    "科技特派员制度实施二十周年座谈会召开",
    "关于公布第三批自治区级众创空间名单的通知",
]
HOT_WORDS = ["营商环境", "高新区", "疫情防控", "科技特派员", "专精特新", "数字经济", "乡村振兴", "人才政策"]
_WEEKDAYS = "一二三四五六日"


@dataclass
class Section:
    """One listing on the site: what a seed file's start_urls points at."""

    name: str
    title: str
    prefix: str  # "/kjt/tzgg/"
    style: Style
    charset: str = "utf-8"
    page_size: int = 10


@dataclass
class Attachment:
    name: str
    path: str


@dataclass
class SiteFile:
    """A file the site serves: a page's attachment or a listing's file link."""

    body: bytes
    content_type: str = "application/octet-stream"
    gone: bool = False


@dataclass
class Page:
    path: str
    section: str
    sample: Sample
    state: PageState = "live"
    views: int = field(default_factory=lambda: random.randint(50, 900))
    broken: tuple[int, bytes] = (500, b"")
    on_listing: bool = True
    attachments: list[Attachment] = field(default_factory=list)


DEFAULT_SECTIONS = [
    Section("nx-kjt", "宁夏科技厅 通知公告", "/kjt/tzgg/", "trs", charset="gbk"),
    Section("kjfw", "科技服务平台 政策信息", "/kjfw/zcxx/", "portal"),
    Section("zfxxgk", "政府信息公开 政策文件", "/zfxxgk/zcwj/", "xxgk"),
    Section("szf", "市政府 政策文件", "/col/col1229/", "hanweb"),
]


class DemoSite:
    """Pages by path; start() serves them until stop()."""

    def __init__(self, sections: list[Section] | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sections = {s.name: s for s in sections or DEFAULT_SECTIONS}
        self.pages: dict[str, Page] = {}
        self.files: dict[str, SiteFile] = {}
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.delay = 0.0  # seconds before each answer: a slow server
        self.on_request: Callable[[str], None] | None = None  # a test's hook, called with each path
        self.robots = "User-agent: *\nDisallow: /admin/\n"
        # Static publishing, as TRS sites do: each page is rendered once (chrome and all) and served
        # with an ETag until its document changes; If-None-Match gets a 304.
        self.static = False
        self._published: dict[str, tuple[str, tuple[int, str, bytes]]] = {}
        self._lock = threading.RLock()
        self._env = Environment(loader=PackageLoader("monitor.demo", "templates"), autoescape=select_autoescape())
        self._server = _QuietServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def listing_url(self, section: str) -> str:
        return self.base_url + self.sections[section].prefix + "index.html"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- what the demo and tests do to the site ------------------------------------------------

    def publish(self, section: str, sample: str | Sample, path: str | None = None) -> str:
        """Put a document on a section's listing (newest first); returns its path."""
        doc = sample if isinstance(sample, Sample) else load_sample(sample)
        with self._lock:
            if path is None:
                stamp = (doc.publish_date or "2021-01-01").replace("-", "")
                path = f"{self.sections[section].prefix}{stamp[:6]}/t{stamp}_{len(self.pages) + 1}.html"
            self.pages[path] = Page(path=path, section=section, sample=doc)
        return path

    def attach(self, page_path: str, name: str, file_path: str, body: bytes, content_type: str | None = None) -> str:
        """Serve a file at file_path and link it from the page as an attachment; returns its path."""
        with self._lock:
            self.files[file_path] = SiteFile(body, content_type or _content_type(file_path))
            self.pages[page_path].attachments.append(Attachment(name, file_path))
        return file_path

    def publish_file(self, section: str, sample: Sample, file_path: str, body: bytes) -> str:
        """A listing item that links a file straight (no page around it)."""
        with self._lock:
            self.files[file_path] = SiteFile(body, _content_type(file_path))
        return self.publish(section, sample, file_path)

    def replace_file(self, file_path: str, body: bytes) -> None:
        self.files[file_path].body = body

    def edit(self, path: str, old: str, new: str) -> None:
        page = self.pages[path]
        text = page.sample.text
        if old not in text:
            raise ValueError(f"{old!r} is not in {path}")
        page.sample.paragraphs = [p for p in text.replace(old, new, 1).splitlines() if p.strip()]

    def remove(self, path: str, *, soft: bool = False) -> None:
        """Take a page or a file down: a 404, or (soft) a 'page not found' page served with 200."""
        if path in self.files:
            self.files[path].gone = True
        if path in self.pages:
            self.pages[path].state = "soft404" if soft else "gone"

    def break_page(self, path: str, status: int = 500, body: bytes = b"") -> None:
        """Serve a server error, or garbage with a 200, until restore()."""
        self.pages[path].state, self.pages[path].broken = "broken", (status, body)

    def unlist(self, path: str) -> None:
        """Drop a page from its listing while still serving it (sites do this when archiving)."""
        self.pages[path].on_listing = False

    def restore(self, path: str) -> None:
        self.pages[path].state = "live"

    def listed(self, section: str) -> list[Page]:
        pages = [
            p for p in self.pages.values() if p.section == section and p.on_listing and p.state in ("live", "broken")
        ]
        return sorted(pages, key=lambda p: (p.sample.publish_date, p.path), reverse=True)

    # -- serving --------------------------------------------------------------------------------

    def start(self) -> DemoSite:
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop that never ran
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, path: str, user_agent: str = "", if_none_match: str | None = None) -> tuple[int, dict, bytes]:
        """(status, headers, body) for a request, honouring conditional requests in static mode."""
        if self.on_request:
            self.on_request(path)
        time.sleep(self.delay)
        if not self.static:
            status, content_type, body = self.render(path, user_agent)
            return status, {"Content-Type": content_type}, body
        with self._lock:
            key = self._fingerprint(path)
            cached = self._published.get(path)
            if cached is None or cached[0] != key:
                cached = self._published[path] = (key, self.render(path, user_agent))
        etag = f'"{hashlib.md5(cached[1][2]).hexdigest()}"'
        if if_none_match == etag:
            self.requests.append((path, user_agent))
            return 304, {"ETag": etag}, b""
        status, content_type, body = cached[1]
        return status, {"Content-Type": content_type, "ETag": etag}, body

    def _fingerprint(self, path: str) -> str:
        """What a static page depends on: its document, or the listing it shows."""
        if path in self.files:
            return f"{self.files[path].gone}:{hashlib.md5(self.files[path].body).hexdigest()}"
        page = self.pages.get(path)
        if page is not None:
            return f"{page.state}:{page.sample.title}:{page.sample.text}:{page.attachments}"
        return "|".join(f"{p.path}:{p.state}:{p.on_listing}" for p in self.pages.values())

    def render(self, path: str, user_agent: str = "") -> tuple[int, str, bytes]:
        """(status, content type, body) for a request path."""
        with self._lock:
            self.requests.append((path, user_agent))
            if path == "/robots.txt":
                return 200, "text/plain", self.robots.encode()
            if path in self.files:
                served = self.files[path]
                return (404, "text/html", b"<h1>404</h1>") if served.gone else (200, served.content_type, served.body)
            for section in self.sections.values():
                number = _listing_number(path, section.prefix)
                if number is not None:
                    return self._listing(section, number)
                number = _data_number(path, section.prefix)
                if number is not None:
                    return self._listing_data(section, number)
            page = self.pages.get(path)
            if page is None or page.state == "gone":
                name = page.section if page else next(iter(self.sections))
                return self._page(self.sections[name], "missing", None, status=404)
            if page.state == "broken":
                return page.broken[0], "text/html", page.broken[1]
            page.views += random.randint(1, 9)
            kind = "missing" if page.state == "soft404" else "document"
            return self._page(self.sections[page.section], kind, page)

    def _listing(self, section: Section, number: int) -> tuple[int, str, bytes]:
        pages = self.listed(section.name)
        count = max(1, -(-len(pages) // section.page_size))
        if number >= count:
            return self._page(section, "missing", None, status=404)
        chunk = pages[number * section.page_size : (number + 1) * section.page_size]
        return self._page(section, "listing", None, items=chunk, page_number=number, page_count=count)

    def _items(self, section: Section) -> list[list[dict]]:
        """The listing's items, page by page, as the scripted styles' data."""
        pages = self.listed(section.name)
        size = section.page_size
        return [
            [{"title": p.sample.title, "url": p.path, "date": p.sample.publish_date} for p in pages[i : i + size]]
            for i in range(0, max(1, len(pages)), size)
        ]

    def _listing_data(self, section: Section, number: int) -> tuple[int, str, bytes]:
        """The JSON a "fetch" listing's script asks for."""
        pages = self._items(section)
        if number >= len(pages):
            return 404, "application/json", b"{}"
        body = json.dumps({"items": pages[number], "page_count": len(pages)}, ensure_ascii=False)
        return 200, "application/json; charset=utf-8", body.encode()

    def _template(self, section: Section, kind: str) -> str:
        if section.style not in SCRIPTED:
            return f"{section.style}.html"
        scripted = kind == "listing" or (kind == "document" and section.style == "spa")
        return "scripted.html" if scripted else "portal.html"

    def _page(
        self, section: Section, kind: str, page: Page | None, status: int = 200, **extra: object
    ) -> tuple[int, str, bytes]:
        now = datetime.now()
        if section.style in SCRIPTED:
            extra["pages"] = self._items(section)
            extra["doc_data"] = {"title": page.sample.title, "paragraphs": page.sample.paragraphs} if page else {}
        html = self._env.get_template(self._template(section, kind)).render(
            kind=kind,
            section=section,
            page=page,
            doc=page.sample if page else None,
            now=now,
            today=f"{now:%Y年%m月%d日} 星期{_WEEKDAYS[now.weekday()]}",
            sidebar=random.sample(NEWS_POOL, 5),
            hot_words=random.sample(HOT_WORDS, 5),
            other_sections=list(self.sections.values()),
            charset=section.charset,
            **extra,
        )
        # Like many real sites, the GBK section declares its charset only in a <meta> tag (as gb2312).
        content_type = "text/html; charset=utf-8" if section.charset == "utf-8" else "text/html"
        return status, content_type, html.encode(section.charset, errors="xmlcharrefreplace")


_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/octet-stream",  # what most sites send for Kingsoft's files
    "ofd": "application/ofd",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain; charset=utf-8",
}


def _content_type(path: str) -> str:
    return _CONTENT_TYPES.get(path.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def _data_number(path: str, prefix: str) -> int | None:
    name = path[len(prefix) :] if path.startswith(prefix) else ""
    if name.startswith("data/list_") and name.endswith(".json") and name[10:-5].isdigit():
        return int(name[10:-5])
    return None


def _listing_number(path: str, prefix: str) -> int | None:
    if path in (prefix, prefix + "index.html"):
        return 0
    name = path[len(prefix) :] if path.startswith(prefix) else ""
    if name.startswith("index_") and name.endswith(".html") and name[6:-5].isdigit():
        return int(name[6:-5])
    return None


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: object) -> None:
        """A crawler that hangs up mid-answer (a stopped crawl) is not an error worth printing."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(site: DemoSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            status, headers, body = site.answer(
                path, self.headers.get("User-Agent", ""), self.headers.get("If-None-Match")
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler

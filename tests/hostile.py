"""A real HTTP server on 127.0.0.1 that answers whatever a test sets up: a status, headers and a
body per path (or a function of the request). Two of them on two ports are two "hosts": the
watched site, and an internal service it must never reach. Each keeps the paths it was asked."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class HostileSite:
    routes: dict[str, Answer | Callable[[], Answer]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.asked.append(self.path)
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                answer = route() if callable(route) else route
                status, headers, body = answer or (404, {"Content-Type": "text/html"}, b"<h1>404 Not Found</h1>")
                self.send_response(status)
                for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str, html: str, status: int = 200, **headers: str) -> str:
        self.routes[path] = (status, headers, html.encode("utf-8"))
        return self.base + path

    def raw(self, path: str, body: bytes, status: int = 200, **headers: str) -> str:
        self.routes[path] = (status, headers, body)
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> HostileSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def policy_page(title: str, text: str, extra: str = "") -> str:
    """A government page with enough prose for the cleaner to call it a document."""
    paragraphs = "".join(
        f"<p>{text}第{i}条规定了相关单位应当遵守的事项，请各部门认真贯彻落实。</p>" for i in range(1, 6)
    )
    return (
        f"<html><head><title>{title}</title></head><body><div class='nav'><a href='/'>首页</a></div>"
        f"<div class='article'><h1>{title}</h1>{paragraphs}{extra}</div></body></html>"
    )


def listing_page(links: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<li><a href='{href}'>{name}</a><span>2026-01-0{i % 9 + 1}</span></li>" for i, (href, name) in enumerate(links)
    )
    return f"<html><head><title>通知公告</title></head><body><ul class='list'>{items}</ul></body></html>"

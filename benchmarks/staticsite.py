"""A fast static site on 127.0.0.1 (aiohttp in its own process), so the server is not what is measured."""

from __future__ import annotations

import multiprocessing
import socket
from collections.abc import Callable

from aiohttp import web


def _serve(pages: dict[str, bytes], port: int, ready: multiprocessing.Event, etags: bool) -> None:
    async def handle(request: web.Request) -> web.Response:
        body = pages.get(request.path)
        if body is None:
            return web.Response(status=404, text="not found")
        tag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if etags and request.headers.get("If-None-Match") == tag:
            return web.Response(status=304, headers={"ETag": tag})
        headers = {"ETag": tag} if etags else {}
        return web.Response(body=body, content_type="text/html", charset="utf-8", headers=headers)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)

    async def start() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
        ready.set()

    import asyncio

    loop = asyncio.new_event_loop()
    loop.run_until_complete(start())
    loop.run_forever()


class StaticSite:
    def __init__(self, build: Callable[[str], dict[str, bytes]], etags: bool = False) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.pages = build(self.base_url)
        context = multiprocessing.get_context("fork")
        ready = context.Event()
        self.process = context.Process(target=_serve, args=(self.pages, self.port, ready, etags), daemon=True)
        self.process.start()
        ready.wait(30)

    def __enter__(self) -> StaticSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.join()

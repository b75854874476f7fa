"""Which channel a subscriber's address is for: e-mail, our JSON webhook, or a chat app."""

from __future__ import annotations

import re

import apprise

from .chat import check_chat_url, is_chat_address

MAX_LENGTH = 500  # the column's size
# No spaces, commas or angle brackets: an address goes into a To: header as it is.
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+")


def channel_of(address: str) -> str:
    """email, webhook (an http(s) URL) or chat (an Apprise URL); ValueError saying why not, in one line."""
    if len(address) > MAX_LENGTH or not address.isprintable():
        raise ValueError(f"an address is one line of at most {MAX_LENGTH} characters")
    if is_chat_address(address):
        problem = check_chat_url(address)
        if problem:
            raise ValueError(problem)
        return "chat"
    if address.startswith(("http://", "https://")):
        return "webhook"
    if _EMAIL.fullmatch(address):
        return "email"
    raise ValueError(f"not an e-mail address, webhook URL or Apprise chat URL: {address!r}")


def shown(address: str) -> str:
    """The address as pages and listings show it: a chat URL's tokens masked (Apprise's privacy form)."""
    if not is_chat_address(address):
        return address
    plugin = apprise.Apprise.instantiate(address)
    masked = plugin.url(privacy=True) if plugin is not None else address.split("://", 1)[0] + "://…"
    return masked.split("?", 1)[0]

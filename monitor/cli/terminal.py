"""What reaches the terminal: never a control sequence from a crawled page.

A title such as "通知\x1b]0;…\x07\x1b[2J" would set the terminal's title and clear the screen when
printed by `changes`, `diff`, `clean` or `try`. The cleaner strips control characters from what
it stores; this is the last line for everything else printed (older versions, URLs, errors): C0
and C1 controls other than newline and tab, and the bidirectional overrides, are dropped, and of
escape sequences only colour (SGR, `ESC [ … m`, which the diff renderer itself uses) passes.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

_COLOUR = r"\x1b\[[0-9;]*m"
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_UNSAFE = re.compile(f"({_COLOUR})|{_CONTROL}")


def safe(text: str) -> str:
    """text with every control character dropped but newlines, tabs and colour sequences."""
    return _UNSAFE.sub(lambda match: match.group(1) or "", text)


class SafeStream:
    """A text stream that writes through safe()."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(safe(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def install() -> None:
    """Every line the command line prints goes through safe()."""
    if not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)
        sys.stderr = SafeStream(sys.stderr)

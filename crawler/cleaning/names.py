"""What an element's class and id say: sites name their menus, rails and footers plainly."""

from __future__ import annotations

import re

from .dom import Element

# Class and id words of containers that hold chrome.
_CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer?|bottom|header|side|sidebar|aside|breadcrumbs?|crumbs?|related|"
    r"recommend|tuijian|xiangguan|hot|rank|paihang|comments?|copyright|banquan|banner|toolbar|links?|friend|"
    r"ad|ads|advert|login|search|topbar|location|position|pager|pagination)(?:$|[-_\s\d])",
    re.IGNORECASE,
)


def is_chrome_named(el: Element) -> bool:
    return el.tag in ("nav", "footer", "aside") or bool(
        _CHROME_NAMES.search(f"{el.get('class') or ''} {el.get('id') or ''}")
    )

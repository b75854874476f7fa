"""A draft→final test set built from the samples.

Positives: the two hand-made finals of the real drafts, and for each of five policy texts a
synthetic draft (a call for comments wrapped round the text, with 征求意见稿 marks) and a
synthetic final (another office's title, targets raised, a section dropped, one added, two
swapped). Negatives: every other draft/final pairing, which includes the regional documents that
implement the same national policy under near-identical titles.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from monitor.demo.samples import load_sample

BASES = ["alxa-opinion", "wansheng-plan", "yunnan-opinion"]
SEEDS = (1, 2)
OFFICES = ["自治区人民政府办公厅", "市人民政府", "省发展和改革委员会", "区科学技术局", "盟行政公署"]


@dataclass(frozen=True)
class Doc:
    name: str
    title: str
    text: str


def _core(title: str) -> str:
    return re.sub(r"^[\u4e00-\u9fff]{2,20}?(?:人民政府办公厅|人民政府|行政公署|盟)(?=关于|關於)", "", title)


def _raise_numbers(paragraph: str, rng: random.Random) -> str:
    return re.sub(r"\d+(?=家|个|%|亿元|万元|項|个百分点)", lambda m: str(int(m.group()) + rng.randint(1, 9)), paragraph)


def synthetic_draft(name: str) -> Doc:
    base = load_sample(name)
    title = f"关于征求《{_core(base.title)}（征求意见稿）》意见的通知"
    notice = [
        f"为做好相关工作，我单位起草了《{_core(base.title)}（征求意见稿）》，现向社会公开征求意见。",
        "公众可通过以下方式提出意见：电子邮件：zhengqiu@example.gov.cn；电话：0951-1234567。",
        "意见反馈截止时间为：2021年5月12日。",
        _core(base.title),
        "（征求意见稿）",
    ]
    return Doc(f"draft:{name}", title, "\n".join(notice + base.paragraphs))


def synthetic_final(name: str, seed: int) -> Doc:
    rng = random.Random(seed)
    base = load_sample(name)
    paragraphs = [_raise_numbers(p, rng) for p in base.paragraphs]
    for _ in range(2):
        del paragraphs[rng.randrange(2, len(paragraphs))]
    paragraphs.insert(
        rng.randrange(2, len(paragraphs)), "各地区各部门要结合实际制定具体落实措施，确保各项任务落到实处。"
    )
    i, j = rng.sample(range(2, len(paragraphs)), 2)
    paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
    title = OFFICES[seed % len(OFFICES)] + _core(base.title)
    return Doc(f"final:{name}:{seed}", title, "\n".join(paragraphs))


def _sample(name: str) -> Doc:
    s = load_sample(name)
    return Doc(name, s.title_prefix + s.title, s.text)


def link_set() -> tuple[list[Doc], list[Doc], set[tuple[str, str]]]:
    """(drafts, finals, the true (draft, final) pairs)."""
    drafts = [_sample("nx-kjt-draft"), _sample("dabancheng-draft")] + [synthetic_draft(n) for n in BASES]
    finals = [_sample(n) for n in ("nx-final", "dabancheng-final", *BASES)]
    finals += [synthetic_final(n, seed) for n in BASES for seed in SEEDS]
    truth = {("nx-kjt-draft", "nx-final"), ("dabancheng-draft", "dabancheng-final")}
    truth |= {(f"draft:{n}", f"final:{n}:{seed}") for n in BASES for seed in SEEDS}
    # A synthetic draft's base text is itself published as a final: that is one of its finals too.
    truth |= {(f"draft:{n}", n) for n in BASES}
    return drafts, finals, truth

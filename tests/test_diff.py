"""The diff engine: paragraphs, characters, moves, key changes, renderers; never coarsened."""

from __future__ import annotations

import random

from monitor.diff import diff_texts
from monitor.diff.excerpt import excerpts
from monitor.diff.render_html import render_page
from monitor.diff.render_text import render_terminal

OLD = """一、总体要求
（一）发展目标。到2025年，高新区内高新技术企业超过400家，占比达到50%以上。
（二）本段保持不变，文字完全相同。
（三）这一段将被移动到最后。
意见反馈截止时间为：2021年5月12日。
这一段将被删除，因为终稿不再需要它。"""
NEW = """一、总体要求
（一）发展目标。到2025年，高新区内高新技术企业超过500家，占比达到55%以上。
（二）本段保持不变，文字完全相同。
新增的段落，终稿补充了保障措施。
意见反馈截止时间为：2021年6月30日。
（三）这一段将被移动到最后。"""


def test_paragraph_and_character_operations():
    diff = diff_texts(OLD, NEW)
    kinds = [op.kind for op in diff.ops]
    assert kinds.count("equal") == 3  # the LCS keeps (三) in place and moves the deadline instead
    modified = [op for op in diff.ops if op.kind == "modify"]
    assert len(modified) == 1
    assert [s.text for s in modified[0].segments if s.op == "delete"] == ["400家", "50%"]  # whole values
    assert [s.text for s in modified[0].segments if s.op == "insert"] == ["500家", "55%"]
    assert [op.new for op in diff.ops if op.kind == "insert"] == ["新增的段落，终稿补充了保障措施。"]
    assert [op.old for op in diff.ops if op.kind == "delete"] == ["这一段将被删除，因为终稿不再需要它。"]
    assert diff.stats.paragraphs_moved == 1
    assert diff.stats.paragraphs_added == 1 and diff.stats.paragraphs_removed == 1


def test_key_changes_are_whole_quantities():
    pairs = [(k.old, k.new) for k in diff_texts(OLD, NEW).key_changes]
    assert ("400家", "500家") in pairs
    assert ("50%", "55%") in pairs
    assert ("2021年5月12日", "2021年6月30日") in pairs


def test_a_moved_paragraph_is_one_move_not_a_deletion_and_an_insertion():
    paragraphs = [f"第{i}条 这是第{i}条的内容，规定了相关事项和要求。" for i in range(1, 9)]
    moved = paragraphs[:2] + paragraphs[3:7] + [paragraphs[2]] + paragraphs[7:]
    diff = diff_texts("\n".join(paragraphs), "\n".join(moved))
    assert diff.stats.paragraphs_moved == 1
    assert diff.stats.added_chars == diff.stats.removed_chars == 0
    assert diff.stats.paragraphs_added == diff.stats.paragraphs_removed == 0


def test_big_documents_are_diffed_to_the_character():
    rng = random.Random(7)
    words = "高新技术产业开发区是实施创新驱动发展战略的重要载体推动经济高质量发展的主战场"
    paragraphs = ["".join(rng.choice(words) for _ in range(300)) + "。" for _ in range(1300)]  # ~400 KB
    edited = list(paragraphs)
    for index in rng.sample(range(len(edited)), 200):
        position = rng.randrange(1, 290)
        edited[index] = edited[index][:position] + "Ω" + edited[index][position + 1 :]
    diff = diff_texts("\n".join(paragraphs), "\n".join(edited))
    assert diff.stats.paragraphs_modified == 200
    assert diff.stats.added_chars == 200  # exactly the 200 replaced characters: nothing coarsened
    assert diff.stats.removed_chars == 200


def test_identical_texts():
    diff = diff_texts(OLD, OLD)
    assert diff.identical and excerpts(diff) == []
    assert "(no difference in the text)" in render_terminal(diff)


def test_renderers_mark_and_escape():
    diff = diff_texts("第一段<script>x</script>内容。", "第一段<script>y</script>内容。")
    text = render_terminal(diff)
    assert "[-x-]{+y+}" in text
    colored = render_terminal(diff, color=True)
    assert "\x1b[" in colored and "[-" not in colored
    page = render_page(diff, "旧<b>标题</b>", "新标题", "http://x.example/1.html")
    assert "&lt;script&gt;" in page and "<script>" not in page and "&lt;b&gt;" in page
    assert 'id="pw-side"' in page and 'id="pw-inline"' in page


def test_a_text_against_nothing_is_all_inserted_or_all_deleted():
    """The diff of a `new` event (no old version) and of a removal: an empty side has no paragraph."""
    added = diff_texts("", "第一段。\n第二段。")
    assert [op.kind for op in added.ops] == ["insert", "insert"]
    assert added.stats.added_chars == len("第一段。第二段。") and added.stats.removed_chars == 0
    removed = diff_texts("第一段。\n第二段。", "")
    assert [op.kind for op in removed.ops] == ["delete", "delete"] and removed.stats.added_chars == 0
    assert diff_texts("", "").identical

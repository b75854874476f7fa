"""The command line's output contracts."""

from __future__ import annotations

from datetime import datetime

CHANGE_FIELDS = {
    "id": int,
    "kind": str,
    "source": str,
    "url": str,
    "title": str,
    "detected_at": str,
    "added_chars": int,
    "removed_chars": int,
}
NULLABLE_FIELDS = {
    "old_version": int,
    "new_version": int,
    "related_url": str,
    "reprint_of": int,
    "by": int,
    "draft_id": int,
}


def test_changes_json_shape_and_filters(workspace, site):
    site.publish("kjfw", "wansheng-plan")
    site.publish("zfxxgk", "yunnan-opinion")
    workspace.crawl()

    changes = workspace.changes()

    assert len(changes) == 2
    for change in changes:
        for name, kind in CHANGE_FIELDS.items():
            assert isinstance(change[name], kind), name
        for name, kind in NULLABLE_FIELDS.items():
            assert name in change and (change[name] is None or isinstance(change[name], kind)), name
        assert change["kind"] == "new" and change["old_version"] is None and change["new_version"] > 0
        assert datetime.strptime(change["detected_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert [c["id"] for c in changes] == sorted(c["id"] for c in changes)  # oldest first
    assert [c["source"] for c in workspace.changes("--source", "kjfw")] == ["kjfw"]
    assert workspace.changes("--kind", "removed") == []
    assert workspace.changes("--since", "2999-01-01") == []
    assert len(workspace.changes("--since", "2000-01-01T00:00:00+08:00")) == 2


def test_text_listing_and_unknown_ids(workspace, site):
    site.publish("kjfw", "wansheng-plan")
    workspace.crawl()

    listing = workspace.cli("changes").stdout
    assert "new" in listing and "重庆市万盛经开区创建市级高新技术产业开发区工作方案" in listing
    [new] = workspace.changes()
    shown = workspace.cli("diff", str(new["id"])).stdout  # the same count in both
    assert f"+{new['added_chars']} / -0 characters" in shown

    missing = workspace.cli("diff", "999", check=False)
    assert missing.returncode == 1 and missing.stderr.strip() == "policywatch: error: no change with id 999"
    unknown = workspace.cli("crawl", "nope", check=False)
    assert unknown.returncode == 1 and "unknown source nope" in unknown.stderr


def test_diff_html_page_is_written_and_escaped(workspace, site, tmp_path):
    path = site.publish("kjfw", "wansheng-plan")
    workspace.crawl()
    site.edit(path, "总体完成率达80%以上", "总体完成率达<b>85%</b>以上")
    workspace.crawl()
    [changed] = workspace.changes("--kind", "changed")

    out = tmp_path / "diff.html"
    workspace.cli("diff", str(changed["id"]), "--html", str(out))

    page = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;85%&lt;/b&gt;" in page and "<b>85%" not in page
    assert "<del>" in page and "<ins>" in page


def test_subscribe_and_unsubscribe(workspace):
    out = workspace.cli("subscribe", "a@example.org", "--source", "kjfw", "--keyword", "高新区").stdout
    assert "a@example.org" in out and "kjfw" in out and "高新区" in out
    assert workspace.cli("subscribe", "not-an-address", check=False).returncode == 2
    assert workspace.cli("subscribe", "a@example.org", "--source", "nope", check=False).returncode == 1
    assert workspace.cli("unsubscribe", "a@example.org").returncode == 0
    assert workspace.cli("unsubscribe", "a@example.org", check=False).returncode == 1

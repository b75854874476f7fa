"""The researchers' web page, in Debian's Chromium driven by Playwright, and its JSON API and feed."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import feedparser
import pytest

from monitor.demo.files import cover_note, pdf_bytes
from monitor.demo.mailsink import MailSink
from monitor.demo.samples import Sample, load_sample
from monitor.demo.site import DemoSite

from .conftest import Workspace
from .webserver import chromium, serving

ATTACHED_ONLY = "本意见由省科技厅负责解释，自印发之日起施行。"
HOSTILE = Sample(
    name="hostile",
    title="<script>window.__pwned=1</script>关于开展安全检查的通知",
    paragraphs=[
        '各有关单位：<img src=x onerror="window.__pwned=2">现将安全检查工作通知如下。',
        "请于本月底前完成自查，并报送检查结果。",
    ],
    publish_date="2022-03-01",
)


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """A crawled workspace (a draft, its final on another site, look-alikes, a hostile page) and
    the web page serving it on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("web")
    with DemoSite() as site, MailSink(folder / "mail") as sink:
        workspace = Workspace(folder, site, sink.port)
        edited = site.publish("kjfw", "wansheng-plan")
        site.publish("nx-kjt", "nx-kjt-draft")
        site.publish("szf", "alxa-opinion")
        site.publish("kjfw", HOSTILE)
        plan = load_sample("yunnan-opinion")
        cover = site.publish("szf", cover_note(plan))
        site.attach(cover, f"{plan.title}.pdf", "/files/plan.pdf", pdf_bytes(plan.title, plan.paragraphs))
        workspace.crawl()
        site.edit(edited, "总体完成率达80%以上", "总体完成率达85%以上")
        site.replace_file("/files/plan.pdf", pdf_bytes(plan.title, [*plan.paragraphs, ATTACHED_ONLY]))
        site.publish("zfxxgk", "nx-final")
        workspace.crawl()
    with serving(workspace.settings()) as base:
        yield base, workspace


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def test_from_this_weeks_changes_to_a_side_by_side_draft_final_diff_in_three_clicks(web, browser):
    base, _ = web
    page = browser.new_page()
    page.goto(base + "/")
    page.click("text=本周 This week")  # 1: what changed this week
    page.click("tr:has(.badge.finalized) >> a >> nth=1")  # 2: the finalized event
    assert page.locator("#pw-side").is_checked()  # 3 would be the switch; it opens side by side
    assert page.locator("table.side").is_visible()
    assert "400家" in page.locator(".keys").inner_text() and "500家" in page.locator(".keys").inner_text()
    assert page.locator("table.side td del").count() > 0 and page.locator("table.side td ins").count() > 0
    page.click("label[for=pw-inline]")
    assert page.locator(".inline").is_visible() and not page.locator("table.side").is_visible()
    page.click("label[for=pw-side]")
    assert page.locator("table.side").is_visible()


def test_an_edit_opens_on_its_changes_each_with_an_anchor_and_the_keys_j_and_k(web, browser):
    base, workspace = web
    changed = workspace.changes("--kind", "changed", "--source", "kjfw")[0]
    page = browser.new_page()
    page.goto(f"{base}/changes/{changed['id']}")
    assert page.locator("#pw-only").is_checked()  # only the changed passages, with their context
    assert page.locator("#change-1").is_visible() and "85%" in page.locator("#change-1").inner_text()
    page.keyboard.press("j")
    page.wait_for_function("location.hash === '#change-1'")
    page.click("#view-side")  # each view has its own address
    assert page.url.endswith("view=side") and page.locator("table.side").is_visible()
    page.click("#view-articles")
    assert page.url.endswith("view=articles") and page.locator("table.articles").count() == 1


def test_search_a_two_character_word_open_a_document_and_follow_draft_to_final(web, browser):
    base, _ = web
    page = browser.new_page()
    page.goto(base + "/")
    page.fill("form.filters input[name=q]", "通知")
    page.press("form.filters input[name=q]", "Enter")
    page.wait_for_selector("text=matching «通知»")
    titles = page.locator("#results tbody a").all_inner_texts()
    assert any("关于征求" in t for t in titles)  # the draft's title holds 通知
    assert not any("阿拉善" in t for t in titles)  # that document has no 通知
    page.click("text=关于征求《关于推动高新技术产业开发区高质量发展的实施意见")
    assert page.locator("h1").inner_text().startswith("关于征求")
    assert "征求意见稿" in page.locator("dl.meta").inner_text()
    page.click("#final-link a >> nth=0")  # draft → its final, published on another site
    assert (
        page.locator("h1").inner_text() == "宁夏回族自治区人民政府办公厅关于推动高新技术产业开发区高质量发展的实施意见"
    )
    page.click("#draft-link >> text=compare the draft with this final")
    assert page.locator("#permalink").get_attribute("href").startswith("/changes/")


def test_filters_work_with_javascript_off(web, browser):
    base, _ = web
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/?status=draft")
    titles = page.locator("#results tbody a").all_inner_texts()
    assert titles and all("征求" in t for t in titles)
    page.goto(base + "/changes?kind=changed")
    assert page.locator("#results .badge").all_inner_texts() == ["已修改 changed"] * 2  # a page, an attachment
    context.close()


def test_crawled_markup_is_shown_as_text(web, browser):
    base, _ = web
    page = browser.new_page()
    page.goto(base + "/?q=安全检查")
    page.click("#results tbody a >> nth=0")
    assert "<script>window.__pwned=1</script>" in page.locator("h1").inner_text()
    assert "<img src=x" in page.locator("article.text").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("article img").count() == 0


def test_atom_feeds_parse(web):
    base, _ = web
    feed = feedparser.parse(_get(base + "/changes.atom"))
    assert not feed.bozo and feed.feed.title == "policywatch"
    kinds = {entry.tags[0].term for entry in feed.entries}
    assert {"new", "changed", "finalized"} <= kinds
    assert all(entry.link.startswith(base + "/changes/") for entry in feed.entries)
    assert any(entry.title.startswith("[new] <script>") for entry in feed.entries)  # the hostile title, as text
    per_source = feedparser.parse(_get(base + "/sources/kjfw/changes.atom"))
    assert not per_source.bozo and per_source.entries
    assert all("kjfw" in entry.summary for entry in per_source.entries)


def test_a_search_of_the_document_list_is_a_feed_linked_from_the_list(web, browser):
    base, _ = web
    page = browser.new_page()
    page.goto(base + "/?q=" + urllib.parse.quote("万盛") + "&status=final")
    href = page.get_attribute("a.feed", "href")
    assert href == "/changes.atom?q=" + urllib.parse.quote("万盛") + "&status=final"
    assert page.get_attribute("link[type='application/atom+xml']", "href") == href
    feed = feedparser.parse(_get(base + href))
    assert not feed.bozo and feed.entries and "万盛" in feed.feed.title
    assert all("万盛" in entry.title for entry in feed.entries)
    assert {entry.tags[0].term for entry in feed.entries} == {"new", "changed"}
    finals_only = feedparser.parse(_get(base + "/changes.atom?has_final=true"))
    assert [e.tags[0].term for e in finals_only.entries] == ["new"]  # the draft's own events
    assert "征求意见稿" in finals_only.entries[0].title and "nx-kjt" in finals_only.entries[0].summary
    changed = feedparser.parse(_get(base + "/changes.atom?source=kjfw&kind=changed"))
    assert [e.tags[0].term for e in changed.entries] == ["changed"] and "kjfw" in changed.entries[0].summary
    passage = changed.entries[0].content[0].value  # what changed, not only counts
    assert "<del>" in passage and "<ins>" in passage and "85%" in passage and "80%" in passage
    nothing = feedparser.parse(_get(base + "/changes.atom?q=" + urllib.parse.quote("没有这样的词语组合")))
    assert not nothing.bozo and nothing.entries == []


def test_json_api_shapes(web):
    base, _ = web
    listing = json.loads(_get(base + "/api/documents?q=%E9%80%9A%E7%9F%A5"))
    assert set(listing) == {"total", "total_exact", "page", "per_page", "documents"} and listing["total"] >= 2
    first = listing["documents"][0]
    assert {"id", "url", "source", "title", "status", "current_version", "meta", "last_changed_at"} <= set(first)
    document = json.loads(_get(f"{base}/api/documents/{first['id']}"))
    assert document["text"] and document["current_version"] in [v["id"] for v in document["versions"]]
    changes = json.loads(_get(base + "/api/changes?kind=changed"))
    assert [c["kind"] for c in changes] == ["changed", "changed"]
    [attached] = [c for c in changes if c["parent_url"]]
    assert attached["file_type"] == "pdf" and [c["file_type"] for c in changes if c is not attached] == [None]
    change = json.loads(_get(f"{base}/api/changes/{changes[0]['id']}"))
    assert change["diff"]["stats"]["added_chars"] >= 1 and change["diff"]["paragraphs"]
    diff = json.loads(_get(f"{base}/api/diff/{change['old_version']}/{change['new_version']}"))
    assert diff["stats"] == change["diff"]["stats"]
    spec = json.loads(_get(base + "/openapi.json"))
    assert {"/api/documents", "/api/changes", "/api/diff/{old_id}/{new_id}"} <= set(spec["paths"])
    # The response shapes are documented, and the documented fields are the ones served.
    shown = spec["paths"]["/api/changes/{change_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    schema = spec["components"]["schemas"][shown["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert set(schema["properties"]) == set(change)
    reference = _get(base + "/api").decode()
    assert "/api/changes/{change_id}" in reference and "/api/documents/{document_id}/related" in reference


def test_a_new_event_has_a_diff_page_and_api(web):
    base, _ = web
    new = json.loads(_get(base + "/api/changes?kind=new&limit=1"))[0]
    change = json.loads(_get(f"{base}/api/changes/{new['id']}"))
    assert change["diff"]["stats"]["removed_chars"] == 0 and change["diff"]["stats"]["added_chars"] > 0
    assert new["title"] in _get(f"{base}/changes/{new['id']}").decode()


def test_admin_actions_need_the_token(web):
    base, _ = web
    request = urllib.request.Request(
        base + "/admin/subscriptions", data=b"address=a%40example.org&token=guess", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_a_page_lists_its_attachments_and_an_attachment_has_its_own_page_and_diff(web, browser):
    base, _ = web
    page = browser.new_page()
    page.goto(base + "/?q=" + urllib.parse.quote("负责解释"))  # words only the attachment holds
    page.click("#results tbody a >> nth=0")
    assert page.locator("#parent-link").inner_text().startswith("附件 Attachment (PDF) of")
    attachment_url = page.url
    page.click("#parent-link a")
    row = page.locator("#attachments tr", has_text="PDF")
    assert row.locator("td >> nth=3").inner_text() == "2"  # two versions
    row.locator("td >> nth=4 >> a").click()  # its last event: the edit
    assert any("负责解释" in text for text in page.locator("ins").all_inner_texts())
    page.goto(attachment_url)
    assert page.locator("h1").inner_text().startswith("快遞大陸省")

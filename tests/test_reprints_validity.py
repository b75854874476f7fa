"""Signal no other monitor gives, on real local sites: a policy republished by other sources is
one piece of news; a repeal clause, a page's marker and a passed validity period are events; a
page flipping between two versions is one event, then flapping."""

from __future__ import annotations

import urllib.request
from datetime import date, datetime

from sqlalchemy import select

from monitor.demo.files import docx_bytes, local_copy
from monitor.demo.samples import Sample, load_sample
from monitor.detect.validity import expire_due
from monitor.ops import alerts, periodic
from storage import Document, OutboxMessage
from storage.models import Incident, Source

from .webserver import serving

REPEAL = (
    "本意见自2024年1月1日起施行，《宁夏回族自治区人民政府办公厅关于推动高新技术产业开发区高质量发展的实施意见》"
    "（宁政办发〔2021〕35号）同时废止。"
)


def _forwarding(sample: Sample) -> Sample:
    """A county's cover note forwarding the policy, its text attached."""
    return Sample(
        name=f"{sample.name}-forward",
        title=f"关于转发《{sample.title}》的通知",
        paragraphs=[
            "各乡镇人民政府，县直各部门：",
            f"现将《{sample.title}》转发给你们，请认真贯彻执行。",
            "县人民政府办公室",
        ],
        publish_date="2021-07-08",
    )


def _replacement() -> Sample:
    nx = load_sample("nx-final")
    return Sample(
        name="nx-new",
        title="宁夏回族自治区人民政府办公厅关于推动高新技术产业开发区创新发展的实施意见",
        paragraphs=[
            "各市、县（区）人民政府，自治区政府各部门：",
            *[p.replace("高质量", "创新") for p in nx.paragraphs[1:6]],
            REPEAL,
        ],
        publish_date="2023-12-20",
        doc_number="宁政办发〔2023〕50号",
    )


def _document(workspace, url: str) -> Document:
    with workspace.db.session() as session:
        document = session.scalar(select(Document).where(Document.url == url))
        assert document is not None, url
        session.expunge(document)
        return document


def test_a_policy_and_its_copy_and_forwarding_note_on_two_county_sites_are_one_new_and_two_reprints(
    workspace, site, mail
):
    workspace.cli("subscribe", "reader@example.org")
    workspace.cli("subscribe", "archivist@example.org", "--reprints", "each")
    policy = load_sample("nx-final")
    original = site.publish("zfxxgk", policy)
    workspace.crawl("zfxxgk")
    assert len(mail.messages()) == 2  # the original, once to each

    copy = site.publish("szf", local_copy(policy))  # with a paragraph of its own
    forward = site.publish("kjfw", _forwarding(policy))
    site.attach(forward, f"{policy.title}.docx", "/kjfw/files/policy.docx", docx_bytes(policy.title, policy.paragraphs))
    workspace.crawl("szf", "kjfw")

    first = _document(workspace, site.url(original))
    pages = {c["url"]: c for c in workspace.changes("--kind", "new") if c["parent_url"] is None}
    assert set(pages) == {site.url(original), site.url(copy), site.url(forward)}
    assert pages[site.url(original)]["reprint_of"] is None
    assert pages[site.url(copy)]["reprint_of"] == first.id and pages[site.url(forward)]["reprint_of"] == first.id
    messages = mail.messages()
    assert [m["To"] for m in messages[2:]] == ["archivist@example.org"]  # the reader was told of the original
    each = messages[-1].get_body(("plain",)).get_content()
    assert site.url(copy) in each and site.url(forward) in each
    assert each.count("转载自") == each.count("== 新发布")  # each entry, the attachment's too, names the original

    with serving(workspace.settings()) as base:
        page = urllib.request.urlopen(f"{base}/documents/{first.id}", timeout=30).read().decode()
        copied = urllib.request.urlopen(f"{base}/documents/{pages[site.url(copy)]['document_id']}", timeout=30)
        copied_page = copied.read().decode()
    assert 'id="republications"' in page and site.url(copy) in page and site.url(forward) in page
    assert 'id="reprint-of"' in copied_page and f"/compare?a={first.id}&amp;b=" in copied_page


def test_reprints_seen_in_the_same_crawl_as_their_original_go_under_its_entry(workspace, site, mail):
    workspace.cli("subscribe", "reader@example.org")
    policy = load_sample("alxa-opinion")
    site.publish("zfxxgk", policy)
    site.publish("szf", local_copy(policy))
    site.publish("kjfw", load_sample("alxa-opinion"))  # word for word

    workspace.crawl()  # whichever is stored first is the original

    news = [c for c in workspace.changes("--kind", "new") if c["title"] == policy.title]
    assert len(news) == 3 and sum(c["reprint_of"] is None for c in news) == 1
    messages = mail.messages()
    assert len(messages) == 1
    body = messages[0].get_body(("plain",)).get_content()
    assert body.count("== 新发布") == 1 and "另有转载" in body
    with workspace.db.session() as session:
        [message] = session.scalars(select(OutboxMessage))
        assert sorted(message.change_ids) == sorted(c["id"] for c in news)  # the reprints were told, under it


def test_a_later_document_repealing_an_earlier_one_by_its_number_makes_a_repealed_event(workspace, site, mail):
    workspace.cli("subscribe", "compliance@example.org", "--kind", "repealed", "--kind", "expired")
    old = site.publish("zfxxgk", "nx-final")
    workspace.crawl("zfxxgk")
    assert mail.messages() == []  # a new document is not a kind this subscriber asked for

    new = site.publish("zfxxgk", _replacement())
    workspace.crawl("zfxxgk")

    repealed = workspace.changes("--kind", "repealed")
    assert [c["url"] for c in repealed] == [site.url(old)]
    assert repealed[0]["by"] == _document(workspace, site.url(new)).id
    told = mail.messages()[-1].get_body(("plain",)).get_content()
    assert "已废止" in told and "废止依据" in told and site.url(new) in told
    workspace.crawl("zfxxgk")
    assert len(workspace.changes("--kind", "repealed")) == 1  # a document ends once

    with serving(workspace.settings()) as base:
        page = urllib.request.urlopen(f"{base}/documents/{repealed[0]['document_id']}", timeout=30).read().decode()
    assert "已废止 Repealed" in page and f'href="/documents/{repealed[0]["by"]}"' in page


def test_a_page_marked_repealed_and_a_stated_validity_period_end_their_documents(workspace, site):
    marked = load_sample("wansheng-plan")
    marked.title_prefix = "【已废止】"
    site.publish("nx-kjt", marked)  # a template that shows the prefix
    dated = load_sample("alxa-opinion")
    dated.paragraphs.append("本意见自2021年9月1日起施行，有效期至2030年12月31日。")
    site.publish("szf", dated)
    workspace.crawl("nx-kjt", "szf")

    assert [c["title"] for c in workspace.changes("--kind", "repealed")] == [marked.title]
    with workspace.db.session() as session:
        assert expire_due(session, date(2030, 12, 31)) == []  # its last day is still valid
    workspace.cli("subscribe", "compliance@example.org", "--kind", "expired")
    new_year = datetime(2030, 12, 31, 16, 30)  # 00:30 on 1 January in Shanghai: the clock is injected
    assert periodic.send_expiries(workspace.db, workspace.settings(), new_year) == 1
    assert [c["title"] for c in workspace.changes("--kind", "expired")] == [dated.title]
    with workspace.db.session() as session:
        [told] = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "compliance@example.org"))
        assert "已失效" in told.subject and dated.title in told.body_text
    assert periodic.send_expiries(workspace.db, workspace.settings(), new_year) == 0  # once


def test_a_page_alternating_between_two_versions_is_one_event_then_flapping_then_settles(workspace, site):
    page = site.publish("kjfw", "wansheng-plan")
    a, b = "总体完成率达80%以上", "总体完成率达85%以上"
    workspace.crawl("kjfw")  # A: new
    for old, new in ((a, b), (b, a), (a, b)):  # B (one changed event), A (flapping), B
        site.edit(page, old, new)
        workspace.crawl("kjfw")

    assert len(workspace.changes("--kind", "changed")) == 1
    document = _document(workspace, site.url(page))
    assert document.flapping_since is not None
    with workspace.db.session() as session:
        source = session.scalar(select(Source).where(Source.name == "kjfw"))
        opened = alerts.review(session, source, "ops@example.org", 3)
        assert [i.kind for i in opened] == ["flapping"] and site.url(page) in opened[0].detail

    workspace.crawl("kjfw")
    workspace.crawl("kjfw")  # three fetches agree on B, the version watchers were last told of
    assert _document(workspace, site.url(page)).flapping_since is None
    assert len(workspace.changes("--kind", "changed")) == 1
    with workspace.db.session() as session:
        source = session.scalar(select(Source).where(Source.name == "kjfw"))
        alerts.review(session, source, "ops@example.org", 3)
        assert session.scalars(select(Incident).where(Incident.closed_at.is_(None))).all() == []


def test_confirm_crawls_makes_a_change_an_event_once_two_crawls_saw_it(workspace, site):
    workspace.config.write_text(workspace.config.read_text() + "[detect]\nconfirm_crawls = 2\n")
    page = site.publish("kjfw", "wansheng-plan")
    workspace.crawl("kjfw")
    site.edit(page, "总体完成率达80%以上", "总体完成率达85%以上")
    workspace.crawl("kjfw")
    assert workspace.changes("--kind", "changed") == []
    workspace.crawl("kjfw")
    assert len(workspace.changes("--kind", "changed")) == 1

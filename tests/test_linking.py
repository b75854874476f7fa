"""Draft → final linking and related documents."""

from __future__ import annotations

import json

from monitor.demo.samples import load_sample
from monitor.detect.linking import match_score, title_core, without_comment_call

from .linkset import link_set


def test_linking_has_full_precision_and_recall_on_the_sample_set():
    drafts, finals, truth = link_set()
    predicted = {
        (d.name, f.name) for d in drafts for f in finals if match_score(d.title, d.text, f.title, f.text) is not None
    }
    assert predicted - truth == set()  # zero false links, look-alike regional documents included
    assert truth - predicted == set()
    assert len(truth) == 11 and len(drafts) * len(finals) == 55


def test_title_cores_drop_wrappers_marks_and_offices():
    draft = load_sample("nx-kjt-draft")
    final = load_sample("nx-final")
    assert title_core(draft.title_prefix + draft.title) == title_core(final.title)
    assert title_core("[已结束]关于征求《某某管理办法（征求意见稿）》意见的通知") == "某某管理办法"
    assert title_core("某某市人民政府办公室关于印发某某方案的通知") == "关于印发某某方案的通知"
    # 推动 and 促进: a regional look-alike, not the same title.
    assert title_core(load_sample("alxa-opinion").title) != title_core(final.title)


def test_the_call_for_comments_is_not_part_of_the_draft():
    draft = load_sample("nx-kjt-draft")
    text = without_comment_call(draft.title, draft.text)
    assert "意见反馈截止时间" not in text and "nxkjtgyc@163.com" not in text
    assert "征求意见稿" not in text
    assert text.startswith("关于推动高新技术产业开发区高质量发展的实施意见\n高新技术产业开发区(以下简称")


def test_a_final_on_another_site_is_linked_to_its_draft(workspace, site, mail):
    workspace.cli("subscribe", "reader@example.org")
    draft = site.publish("nx-kjt", "nx-kjt-draft")
    site.publish("kjfw", "alxa-opinion")  # same national policy, another region: a look-alike
    workspace.crawl()
    site.publish("szf", "yunnan-opinion")  # another look-alike, published later
    final = site.publish("zfxxgk", "nx-final", "/zfxxgk/zcwj/202106/t20210630_1.html")

    workspace.crawl()

    [finalized] = workspace.changes("--kind", "finalized")
    assert finalized["url"] == site.url(final) and finalized["related_url"] == site.url(draft)
    out = workspace.cli("diff", str(finalized["id"])).stdout
    assert "400家 → 500家" in out and "1.7% → 2%" in out
    assert "意见反馈截止时间" not in out  # the call for comments is left out of the comparison
    assert "(moved from" in out  # sections (十五) and (十六) changed places
    last = mail.messages()[-1]
    assert "1 正式稿" in last["Subject"]
    body = last.get_body(("plain",)).get_content()
    assert site.url(draft) in body
    assert body.count(site.url(final)) == 1  # one entry for the final: new, and the draft's final


def test_related_documents_by_text_and_by_citation(workspace, site):
    site.publish("nx-kjt", "nx-kjt-draft")
    site.publish("zfxxgk", "nx-final")
    site.publish("kjfw", "alxa-opinion")
    site.publish("szf", "dabancheng-draft")
    workspace.crawl()
    draft_id = next(
        c["document_id"] for c in workspace.changes() if "征求意见稿" in c["title"] and "推动" in c["title"]
    )

    rows = json.loads(workspace.cli("related", str(draft_id), "--json").stdout)

    assert rows[0]["title"].endswith("关于推动高新技术产业开发区高质量发展的实施意见") and rows[0]["score"] > 0.8
    assert rows[0]["reason"] == "similar text"
    alxa = next(r for r in rows if r["title"].startswith("阿拉善盟"))
    assert alxa["reason"] == "both cite 国发〔2020〕7号" and alxa["score"] < 0.3
    assert not any(r["title"].startswith("达坂城区") for r in rows)

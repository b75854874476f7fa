"""Attachments and listed files are documents: fetched with their page, read by real tools,
versioned, diffed and linked like pages (files made by python-docx, LibreOffice, reportlab and
an OFD writer, served by the local site)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from monitor.demo.files import cover_note, docx_bytes, ofd_bytes, pdf_bytes
from monitor.demo.samples import Sample, load_sample
from storage import Document, Fetch

from .office import office_files

EDIT = ("到2025年,全区国家高新区达到4家", "到2025年,全区国家高新区达到5家")


@pytest.fixture(scope="module")
def libreoffice_files() -> dict[str, bytes]:
    """Made once for the module: LibreOffice takes a second or two per run."""
    draft, final = load_sample("nx-kjt-draft"), load_sample("nx-final")
    edited = [p.replace(*EDIT) for p in final.paragraphs]
    pdfs = office_files({"final": (final.title, final.paragraphs), "edited": (final.title, edited)}, "pdf")
    docs = office_files({"draft": (draft.title, draft.paragraphs)}, "doc")
    return {"final.pdf": pdfs["final"], "edited.pdf": pdfs["edited"], "draft.doc": docs["draft"]}


def _documents(workspace) -> dict[str, Document]:
    with workspace.db.session() as session:
        return {d.url: d for d in session.scalars(select(Document))}


def test_an_attachment_is_a_document_of_its_page_and_its_edit_is_its_own_event(
    workspace, site, mail, libreoffice_files
):
    workspace.cli("subscribe", "reader@example.org")
    final = load_sample("nx-final")
    page = site.publish("kjfw", cover_note(final))
    pdf = site.attach(page, f"{final.title}.pdf", "/kjfw/files/final.pdf", libreoffice_files["final.pdf"])

    workspace.crawl("kjfw")

    documents = _documents(workspace)
    attachment = documents[site.url(pdf)]
    assert attachment.file_type == "pdf" and attachment.parent_id == documents[site.url(page)].id
    assert attachment.title == final.title
    first = mail.messages()[-1].get_body(("plain",)).get_content()
    assert f"附件: 新发布 {final.title} {site.url(pdf)}" in first  # on the page's notice
    new = {c["url"]: c for c in workspace.changes("--kind", "new")}
    assert new[site.url(pdf)]["parent_url"] == site.url(page) and new[site.url(page)]["parent_url"] is None

    site.replace_file(pdf, libreoffice_files["edited.pdf"])
    workspace.crawl("kjfw")

    changed = workspace.changes("--kind", "changed")
    assert [c["url"] for c in changed] == [site.url(pdf)]  # the cover note did not change
    diff = workspace.cli("diff", str(changed[0]["id"])).stdout
    assert "4家 → 5家" in diff
    told = mail.messages()[-1].get_body(("plain",)).get_content()
    assert f"附件，所属页面 (PDF): {cover_note(final).title} {site.url(page)}" in told and "5家" in told


def _fetches(workspace):
    with workspace.db.session() as session:
        return [(f.url, f.kind, f.outcome, f.error) for f in session.scalars(select(Fetch))]


def _xlsx(rows: list[list[object]]) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_kind_of_file_gives_its_text_and_a_listed_file_is_a_document(workspace, site, libreoffice_files):
    draft, plan = load_sample("nx-kjt-draft"), load_sample("wansheng-plan")
    page = site.publish("kjfw", cover_note(plan))
    files = {
        "/kjfw/files/plan.docx": docx_bytes(plan.title, plan.paragraphs),
        "/kjfw/files/plan.ofd": ofd_bytes(plan.title, plan.paragraphs),
        "/kjfw/files/draft.doc": libreoffice_files["draft.doc"],
        "/kjfw/files/draft.wps": libreoffice_files["draft.doc"],  # Kingsoft saves Word's format
        "/kjfw/files/table.xlsx": _xlsx([["序号", "企业名称", "金额（万元）"], [1, "宁夏某某科技有限公司", 120]]),
        "/kjfw/files/notes.txt": "\n".join(plan.paragraphs[:3]).encode("gb18030"),
    }
    for path, body in files.items():
        site.attach(page, path.rsplit("/", 1)[1], path, body)
    listed = site.publish_file(
        "kjfw",
        Sample("listed", plan.title, [], publish_date="2021-07-01"),
        "/kjfw/files/listed.pdf",
        pdf_bytes(plan.title, plan.paragraphs),
    )

    workspace.crawl("kjfw")

    documents = _documents(workspace)
    with workspace.db.session() as session:
        texts = {d.url: session.get(type(d), d.id).current_version.text for d in documents.values()}
    squeeze = lambda text: "".join(text.split())  # noqa: E731
    for path in ("/kjfw/files/plan.docx", "/kjfw/files/plan.ofd", "/kjfw/files/listed.pdf"):
        assert squeeze(texts[site.url(path)]) == squeeze(plan.text), path
    for path in ("/kjfw/files/draft.doc", "/kjfw/files/draft.wps"):
        assert squeeze(texts[site.url(path)]) == squeeze(draft.text), path
        assert documents[site.url(path)].status == "draft"
    rows = ["序号 企业名称 金额（万元）", "1 宁夏某某科技有限公司 120"]
    assert texts[site.url("/kjfw/files/table.xlsx")].splitlines() == rows
    assert squeeze(texts[site.url("/kjfw/files/notes.txt")]) == squeeze("".join(plan.paragraphs[:3]))
    assert documents[site.url(listed)].parent_id is None and documents[site.url(listed)].file_type == "pdf"
    assert {documents[site.url(p)].file_type for p in files} == {"docx", "ofd", "doc", "wps", "xlsx", "txt"}


def _zip_bomb(members: dict[str, bytes], bomb: str, megabytes: int) -> bytes:
    """A container whose `bomb` member inflates from about a megabyte to `megabytes` MB of zeros."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        with archive.open(bomb, "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(bytes(1 << 20))
    return out.getvalue()


def _encrypted_pdf(sample: Sample) -> bytes:
    import io

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, encrypt=StandardEncryption("secret", ownerPassword="owner"))
    canvas.drawString(72, 720, sample.name)
    canvas.save()
    return out.getvalue()


def _configure(workspace, **crawl: object) -> None:
    lines = "".join(f"{key} = {value}\n" for key, value in crawl.items())
    text = workspace.config.read_text(encoding="utf-8").replace("timeout = 10\n", f"timeout = 10\n{lines}")
    workspace.config.write_text(text, encoding="utf-8")


def test_hostile_files_are_failed_fetches_with_a_reason_and_nothing_else_is_lost(workspace, site):
    _configure(workspace, attachment_seconds=1, attachment_max_mb=2)
    plan = load_sample("wansheng-plan")
    page = site.publish("kjfw", cover_note(plan))
    good = site.attach(page, "方案.docx", "/kjfw/files/good.docx", docx_bytes(plan.title, plan.paragraphs))
    bad = {
        "corrupt.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
        "bomb.docx": _zip_bomb({"[Content_Types].xml": b"<Types/>"}, "word/document.xml", 300),
        "bomb.ofd": _zip_bomb({}, "OFD.xml", 300),
        "locked.pdf": _encrypted_pdf(plan),
        "long.pdf": pdf_bytes(plan.title, plan.paragraphs * 100),  # 500 pages: over its second
        "huge.pdf": b"%PDF-1.4\n" + b"0" * 3_000_000,  # over attachment_max_mb
    }
    for name, body in bad.items():
        site.attach(page, name, f"/kjfw/files/{name}", body)

    [summary], _ = workspace.crawl("kjfw")

    assert summary.status == "ok"
    documents = _documents(workspace)
    assert documents[site.url(good)].current_version_id and documents[site.url(page)].current_version_id
    errors = {url.rsplit("/", 1)[1]: (outcome, error) for url, kind, outcome, error in _fetches(workspace)}
    for name in bad:
        outcome, error = errors[name]
        assert outcome == "failed" and "\n" not in error and site.url(f"/kjfw/files/{name}") not in documents, name
    assert "zip bomb" in errors["bomb.docx"][1] and "zip bomb" in errors["bomb.ofd"][1]
    assert "encrypted" in errors["locked.pdf"][1] and "not a readable PDF" in errors["corrupt.pdf"][1]
    assert "longer than 1 s" in errors["long.pdf"][1] and "max size" in errors["huge.pdf"][1]


def _draft_cover(draft: Sample) -> Sample:
    return Sample(
        f"{draft.name}-call",
        f"关于征求《{draft.title.split('《')[-1].split('》')[0]}》意见的通知",
        ["为做好相关工作，现将征求意见稿公开征求意见，请于2021年5月20日前反馈意见。", "附件：征求意见稿"],
        publish_date="2021-05-01",
    )


def test_a_draft_doc_is_linked_to_its_final_pdf_through_their_cover_notes(workspace, site, libreoffice_files):
    draft, final = load_sample("nx-kjt-draft"), load_sample("nx-final")
    call = site.publish("nx-kjt", _draft_cover(draft))
    site.attach(call, "征求意见稿.doc", "/kjt/files/draft.doc", libreoffice_files["draft.doc"])
    workspace.crawl()
    issued = site.publish("zfxxgk", cover_note(final))
    site.attach(issued, f"{final.title}.pdf", "/zfxxgk/files/final.pdf", libreoffice_files["final.pdf"])

    workspace.crawl()

    [finalized] = workspace.changes("--kind", "finalized")
    assert finalized["url"] == site.url(issued) and finalized["related_url"] == site.url(call)
    diff = workspace.cli("diff", str(finalized["id"])).stdout
    assert "400家 → 500家" in diff  # the files' texts are compared, not the two cover notes
    related = json.loads(workspace.cli("related", site.url(call), "--json").stdout)
    assert site.url(issued) in [r["url"] for r in related]  # indexed by its attachment's text


def test_an_attachment_the_page_drops_is_removed(workspace, site):
    plan = load_sample("wansheng-plan")
    page = site.publish("kjfw", cover_note(plan))
    first = site.attach(page, "方案.docx", "/kjfw/files/plan.docx", docx_bytes(plan.title, plan.paragraphs))
    second = site.attach(page, "附表.ofd", "/kjfw/files/annex.ofd", ofd_bytes(plan.title, plan.paragraphs[:5]))
    workspace.crawl("kjfw")
    site.pages[page].attachments.pop()  # the office replaces the page: the annex is no longer linked
    site.pages[page].sample.paragraphs.append("（2021年7月修订）")

    workspace.crawl("kjfw")

    removed = workspace.changes("--kind", "removed")
    assert [c["url"] for c in removed] == [site.url(second)] and removed[0]["parent_url"] == site.url(page)
    assert site.url(first) not in {c["url"] for c in workspace.changes("--kind", "changed")}

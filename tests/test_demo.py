"""`make run`'s demo, run as the command a newcomer runs."""

from __future__ import annotations

import subprocess
from email import message_from_bytes, policy

import pytest

from .conftest import POLICYWATCH

pytestmark = pytest.mark.services  # the demo: a local site and a mail sink


def test_the_demo_shows_edits_a_final_and_the_edited_pdf(tmp_path):
    done = subprocess.run(
        [str(POLICYWATCH), "demo", "--dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    out = done.stdout
    assert "finalized" in out and "400家 → 500家" in out  # the draft against its final
    assert "dabancheng-plan.pdf" in out and "3 家 → 5 家" in out  # the PDF attachment's edit
    assert "removed" in out
    assert "(reprint of: " in out and "repealed" in out and "(by: " in out  # a republished plan, a repeal
    mails = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted((tmp_path / "demo" / "mail").glob("*.eml"))
    ]
    to_digest = [m for m in mails if m["To"] == "digest@example.org"]
    subjects = [m["Subject"] for m in to_digest]
    assert subjects[0].startswith("[policywatch] 1 份征求意见稿") and subjects[1].startswith("[policywatch] 每日汇总")
    reminder, digest = (m.get_body(("plain",)).get_content() for m in to_digest)
    assert "2021-05-12 (还剩 3 天)" in reminder and "nxkjtgyc@163.com" in reminder
    assert "反馈方式:" in reminder and "邮编:750001" in reminder and "传真" in reminder  # the whole block
    assert "【nx-kjt】" in digest and "正式稿" in digest
    assert all("/unsubscribe/" in m["List-Unsubscribe"] for m in mails)
    assert len(mails) >= 4

"""`make run`'s demo, run as the command a newcomer runs."""

from __future__ import annotations

import subprocess

from .conftest import POLICYWATCH


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
    assert len(list((tmp_path / "demo" / "mail").glob("*.eml"))) >= 2

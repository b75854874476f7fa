"""Careless configuration and arguments get one line and exit 2 (a database that does not answer:
one line, exit 1), never a traceback; run through the real command line."""

from __future__ import annotations

import subprocess

import pytest

from monitor.demo.mailsink import free_port

from .conftest import POLICYWATCH

pytestmark = pytest.mark.services  # each case starts the real command line


def _run(folder, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(POLICYWATCH), *args], capture_output=True, text=True, cwd=folder, timeout=120)


def _one_line(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert words in result.stderr


@pytest.mark.parametrize(
    ("config", "command", "code", "words"),
    [
        ('database_url = "nosuchdb://x"\n', "status", 2, "not a database URL"),
        ('database_url = "postgresql+psycopg2://u@127.0.0.1/x"\n', "status", 2, "driver is not installed"),
        (
            f'database_url = "postgresql://u@127.0.0.1:{free_port()}/x"\n',
            "status",
            1,
            "cannot use the database",
        ),
        ('[daemon]\ntimezone = "Mars/Olympus"\n', "run", 2, "not a time zone"),
    ],
)
def test_configuration_mistakes(tmp_path, config, command, code, words):
    (tmp_path / "policywatch.toml").write_text(config, encoding="utf-8")
    _one_line(_run(tmp_path, command), code, words)


def test_a_seed_file_in_gbk(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "gbk.toml").write_bytes('start_urls = ["http://x.cn/"]\ntitle = "通知公告"\n'.encode("gbk"))
    _one_line(_run(tmp_path, "crawl"), 2, "not UTF-8")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("diff", "99999999999999999999999"), "not an id"),
        (("outbox", "retry", "-1"), "not an id"),
        (("runs", "--limit", "1e9"), "not a count"),
        (("try", "http://["), "not an http(s) URL"),
        (("try", "javascript:alert(1)"), "not an http(s) URL"),
    ],
)
def test_argument_mistakes(tmp_path, args, words):
    result = _run(tmp_path, *args)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr, result.stderr


def test_ids_no_database_holds_name_nothing(tmp_path):
    result = _run(tmp_path, "compare", "99999999999999999999999", "1")
    _one_line(result, 1, "no document")


def test_terminal_escapes_from_stored_titles_never_reach_the_terminal(workspace):
    """A version stored before the cleaner stripped control characters, printed by changes,
    diff and related: nothing that drives a terminal comes out."""
    from storage import Change, Document, Source, Version

    hostile = "通知\x1b]0;pwned\x07\x1b[2J\x9b1m\u202e"
    with workspace.db.session() as session:
        source = Source(name="kjfw", title="")
        session.add(source)
        session.flush()
        document = Document(source_id=source.id, url="http://gov.example.cn/a.html\x1b[2J", title=hostile)
        session.add(document)
        session.flush()
        version = Version(document_id=document.id, content_hash="x", title=hostile, text=hostile, raw_html=b"")
        session.add(version)
        session.flush()
        document.current_version_id = version.id
        change = Change(document_id=document.id, kind="new", new_version_id=version.id)
        session.add(change)
        session.flush()
        change_id, document_id = change.id, document.id
    for args in (("changes",), ("diff", str(change_id)), ("related", str(document_id))):
        out = workspace.cli(*args).stdout
        assert "通知" in out and not any(c in out for c in "\x1b\x07\x9b\u202e"), args


def test_a_forgotten_config_does_not_silently_start_a_new_database(tmp_path):
    made = _run(tmp_path, "changes")
    assert made.returncode == 0
    assert "no policywatch.toml here and no --config: made a new database" in made.stderr
    assert str(tmp_path / "data" / "policywatch.db") in made.stderr
    assert "made a new database" not in _run(tmp_path, "changes").stderr  # said once, when it was made

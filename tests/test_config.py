"""A bad config or seed file stops with one clear line naming it, exit code 2, no traceback."""

from __future__ import annotations

import pytest

from monitor.config import ConfigError, load_settings

BAD_SEEDS = {
    "syntax": ('name = "x"\nstart_urls = ["http://a.example/"\n', "invalid TOML"),
    "wrong-type": ('start_urls = "http://a.example/"\n', "start_urls: Input should be a valid list"),
    "unknown-key": ('start_urls = ["http://a.example/"]\nstart_url = "http://a.example/"\n', "start_url: unknown key"),
    "missing": ('title = "no urls"\n', "start_urls: give at least one listing URL"),
    "not-http": ('start_urls = ["ftp://a.example/"]\n', "not an http(s) URL"),
    "bad-regex": ('start_urls = ["http://a.example/"]\ndocument_pattern = "t2021(["\n', "not a regular expression"),
    "bad-number": ('start_urls = ["http://a.example/"]\nmax_pages = 0\n', "max_pages"),
}


@pytest.mark.parametrize("case", sorted(BAD_SEEDS))
def test_bad_seed_file_is_one_clear_line(workspace, case):
    body, expected = BAD_SEEDS[case]
    path = workspace.seeds / f"{case}.toml"
    path.write_text(body, encoding="utf-8")

    result = workspace.cli("crawl", check=False)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('[crawl]\ndelay = "fast"\n', "crawl.delay: Input should be a valid number"),
        ("[smtp]\nport = 99999\n", "smtp.port"),
        ('[smtp]\nsecurity = "tls"\n', "smtp.security"),
        ("databse_url = 'sqlite:///x.db'\n", "databse_url: unknown key"),
        ("crawl = [1, 2\n", "invalid TOML"),
    ],
)
def test_bad_config_value_is_one_clear_line(workspace, config, expected):
    workspace.config.write_text(config, encoding="utf-8")

    result = workspace.cli("changes", check=False)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert str(workspace.config) in result.stderr and expected in result.stderr


def test_duplicate_source_names_are_refused(workspace):
    workspace.write_seed("copy", f'start_urls = ["{workspace.site.listing_url("kjfw")}"]\n')
    (workspace.seeds / "copy.toml").write_text('name = "kjfw"\nstart_urls = ["http://a.example/"]\n', encoding="utf-8")

    result = workspace.cli("crawl", check=False)

    assert result.returncode == 2 and "already used" in result.stderr


def test_environment_wins_over_the_file(tmp_path):
    config = tmp_path / "policywatch.toml"
    config.write_text('database_url = "sqlite:///from-file.db"\n[smtp]\nusername = "u"\n', encoding="utf-8")

    settings = load_settings(
        config, environ={"POLICYWATCH_DATABASE_URL": "sqlite:////tmp/env.db", "POLICYWATCH_SMTP_PASSWORD": "s3cret"}
    )

    assert settings.database_url == "sqlite:////tmp/env.db"
    assert settings.smtp.password == "s3cret"
    assert "s3cret" not in repr(settings)


def test_relative_paths_are_relative_to_the_config_file(tmp_path, monkeypatch):
    config = tmp_path / "conf" / "policywatch.toml"
    config.parent.mkdir()
    config.write_text('database_url = "sqlite:///data/pw.db"\nseeds_dir = "my-seeds"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    settings = load_settings(config, environ={})

    assert settings.database_url == f"sqlite:///{tmp_path / 'conf' / 'data' / 'pw.db'}"
    assert settings.seeds_dir == tmp_path / "conf" / "my-seeds"


def test_bad_css_selector_in_a_seed(workspace):
    path = workspace.write_seed("sel", 'start_urls = ["http://a.example/"]\ncontent_selector = "div[["\n')

    result = workspace.cli("crawl", check=False)

    assert result.returncode == 2 and str(path) in result.stderr and "not a CSS selector" in result.stderr


def test_a_bad_retention_is_one_line(tmp_path):
    config = tmp_path / "policywatch.toml"
    config.write_text('[storage]\nkeep_fetches = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"storage.keep_fetches: .*not a duration"):
        load_settings(config, environ={})

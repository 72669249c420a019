"""The coi command line, run as a user would (real files, a real workspace)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from coi.cli import main


def run(*args: str) -> int:
    return main(list(args))


def test_import_list_show_export(fixtures, tmp_path, capsys):
    ws = str(tmp_path / "ws.sqlite")
    assert run("--workspace", ws, "import", str(fixtures / "moodle" / "forum_export.csv")) == 0
    out = capsys.readouterr().out
    assert "kept 9 posts in 2 threads" in out and "stored as discussion 1" in out
    assert run("list", "--workspace", ws) == 0
    assert "forum_export" in capsys.readouterr().out
    assert run("list", "--threads", "--workspace", ws) == 0
    assert "Quiz 2 won't open" in capsys.readouterr().out
    assert run("show", "301", "--workspace", ws) == 0
    tree = capsys.readouterr().out
    assert "[2107] Mei Lin" in tree and "│" in tree
    target = tmp_path / "out.parquet"
    assert run("export", "-o", str(target), "--workspace", ws) == 0
    assert len(pd.read_parquet(target)) == 9
    assert run("export", "--format", "jsonl", "--workspace", ws) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[0])["post_id"] == "2101"


def test_import_with_mapping_roles_and_pseudonyms(fixtures, tmp_path, capsys):
    roles = tmp_path / "roles.csv"
    roles.write_text("user,role\nHelen Okafor,editingteacher\n")
    ws = tmp_path / "ws.sqlite"
    assert run("import", str(fixtures / "moodle" / "forum_export.csv"), "--roles", str(roles),
               "--pseudonymize", "--workspace", str(ws)) == 0
    assert (tmp_path / "ws.pseudonym-key.json").exists()
    capsys.readouterr()
    run("export", "--workspace", str(ws), "--format", "csv")
    exported = capsys.readouterr().out
    assert "Helen" not in exported and "instructor" in exported


def test_errors_are_one_sentence_with_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": ')
    assert run("import", str(bad), "--workspace", str(tmp_path / "ws.sqlite")) == 2
    err = capsys.readouterr().err
    assert err.startswith("coi: error:") and "bad.json" in err and "Traceback" not in err
    assert run("import", str(tmp_path / "missing.csv"), "--workspace",
               str(tmp_path / "ws.sqlite")) == 2


def test_console_script_help_explains_options():
    out = subprocess.run([sys.executable, "-m", "coi", "import", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for option in ("--format", "--column", "--roles", "--pseudonymize", "--workspace",
                   "--timezone", "--key-file"):
        assert option in out


def test_workspace_from_environment(fixtures, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COI_WORKSPACE", str(tmp_path / "env.sqlite"))
    assert run("import", str(fixtures / "generic" / "minimal.csv")) == 0
    assert (tmp_path / "env.sqlite").exists()

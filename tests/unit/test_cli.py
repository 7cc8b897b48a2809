"""The `psp` command: version, init, where the database is chosen, and one-line refusals (exit status 2)."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from psp_desktop import __version__, cli, migrations
from psp_desktop.db import open_database

UNREACHABLE = "postgresql://u:p@127.0.0.1:1/x"


@pytest.fixture(autouse=True)
def _english_messages_without_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process the CLI must not create a QCoreApplication (a later GUI test needs a QApplication):
    in-process runs print the English source messages; the subprocess tests below use the real translator."""
    monkeypatch.setattr(cli, "_translator", lambda: (lambda _context, text: text))


def run_psp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psp_desktop.cli", *args], capture_output=True, text=True, cwd=cwd, check=False,
        stdin=subprocess.DEVNULL, timeout=120,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def revision_of(path: Path) -> str:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def assert_one_line_refusal(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].strip()
    assert "Traceback" not in stderr
    return lines[0]


# --- version ----------------------------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"psp {__version__}\n"


def test_version_as_a_module(tmp_path: Path) -> None:
    result = run_psp("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"psp {__version__}\n", "")


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([])
    assert exited.value.code == 2
    assert "usage: psp" in capsys.readouterr().err


# --- init and where the database is -----------------------------------------------------------------------


def test_init_creates_a_current_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "office" / "psp.db"
    assert cli.main(["--db", str(path), "init"]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert revision_of(path) == migrations.HEAD
    assert cli.main(["--db", str(path), "init"]) == 0  # a second init leaves a current database alone
    assert revision_of(path) == migrations.HEAD
    assert not (path.parent / "backups").exists()


def test_database_url_environment_variable_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from_env = tmp_path / "from-env.db"
    monkeypatch.setenv("PSP_DATABASE_URL", f"sqlite:///{from_env}")
    assert cli.main(["init"]) == 0
    assert capsys.readouterr().out.strip() == str(from_env)
    assert revision_of(from_env) == migrations.HEAD

    from_flag = tmp_path / "from-flag.db"
    assert cli.main(["--db", str(from_flag), "init"]) == 0  # --db wins over the environment
    assert capsys.readouterr().out.strip() == str(from_flag)


def test_default_database_is_in_the_isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["init"]) == 0
    created = Path(capsys.readouterr().out.strip())
    assert created.name == "psp.db"
    assert created.is_relative_to(tmp_path_factory.getbasetemp())  # conftest keeps tests out of the real home
    assert revision_of(created) == migrations.HEAD


# --- refusals ---------------------------------------------------------------------------------------------


def _text_file(folder: Path) -> Path:
    path = folder / "名单.db"
    path.write_text("机构名称,联系人\n阳光为老服务中心,张敏\n", encoding="utf-8")
    return path


def _random_bytes(folder: Path) -> Path:
    path = folder / "random.db"
    path.write_bytes(random.Random(7).randbytes(4096))
    return path


def _header_then_garbage(folder: Path) -> Path:
    path = folder / "damaged.db"
    path.write_bytes(b"SQLite format 3\x00" + random.Random(8).randbytes(4096))
    return path


def _newer_revision(folder: Path) -> Path:
    path = folder / "newer.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    return path


BAD_FILES = [_text_file, _random_bytes, _header_then_garbage, _newer_revision]


@pytest.mark.parametrize("make_file", BAD_FILES, ids=lambda f: f.__name__.strip("_"))
def test_bad_file_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_file
) -> None:  # type: ignore[no-untyped-def]
    path = make_file(tmp_path)
    before = sha256(path)
    assert cli.main(["--db", str(path), "init"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(path) in assert_one_line_refusal(captured.err)
    assert sha256(path) == before


def test_folder_that_cannot_be_created_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert cli.main(["--db", str(blocker / "sub" / "psp.db"), "init"]) == 2
    assert_one_line_refusal(capsys.readouterr().err)


def test_unreachable_server_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--db", UNREACHABLE, "init"]) == 2
    line = assert_one_line_refusal(capsys.readouterr().err)
    assert "127.0.0.1" in line and "u:p@" not in line


def test_info_does_not_create_a_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.db"
    assert cli.main(["--db", str(missing), "info"]) == 2
    assert str(missing) in assert_one_line_refusal(capsys.readouterr().err)
    assert not missing.exists()


@pytest.mark.parametrize("make_target", [_text_file, _newer_revision, lambda _folder: UNREACHABLE],
                         ids=["text-file", "newer-revision", "unreachable-server"])
def test_refusal_from_the_real_command(tmp_path: Path, make_target) -> None:  # type: ignore[no-untyped-def]
    """The real process, with the real (translated) message: exit 2, one line on stderr, nothing changed."""
    target = make_target(tmp_path)
    before = sha256(target) if isinstance(target, Path) else None
    result = run_psp("--db", str(target), "init", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert_one_line_refusal(result.stderr)
    if isinstance(target, Path):
        assert sha256(target) == before
        assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no backup, no -wal/-shm, no new database


def test_help_is_in_the_settings_language(tmp_path: Path) -> None:
    env = {**os.environ, "PSP_CONFIG": str(tmp_path / "settings.json")}
    env.pop("PSP_LANG", None)
    done = subprocess.run([sys.executable, "-m", "psp_desktop.cli", "--help"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0 and "创建演示数据库" in done.stdout
    english = subprocess.run([sys.executable, "-m", "psp_desktop.cli", "--help"], capture_output=True, text=True,
                             env={**env, "PSP_LANG": "en"}, timeout=60)
    assert "create the demo database" in english.stdout

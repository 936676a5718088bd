"""A full disk stops `xxgk run` with one line naming the folder it was writing, exit 1, no
traceback: the staging's write made to fail with ENOSPC (a real disk cannot on demand), and where
this machine lets us mount one, a real 1 MB tmpfs as the data folder."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from assets.run import _serving, no_space_folder
from pipeline.crawl.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
STAGING_FULL = """
import errno, os, sys
import pipeline.warehouse.ingest as ingest

def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

if __name__ == "__main__":
    ingest._write = full
    from assets.cli import main
    sys.exit(main(["demo", "--data", sys.argv[1]]))
"""


def _demo(tmp_path: Path, script: str, data: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "demo_full.py"
    path.write_text(script, encoding="utf-8")
    env = os.environ | {"DAGSTER_HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, str(path), str(data)], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)


def _assert_one_line(result: subprocess.CompletedProcess, folder: Path) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == f"xxgk demo: no space left on device writing {folder}"
    assert len(result.stderr.splitlines()) < 20


def test_a_full_disk_while_staging_is_one_line_naming_the_staging_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = _demo(tmp_path, STAGING_FULL, data)
    _assert_one_line(result, data / "frames")
    assert "crawl of demo" in result.stderr  # the crawl before it went through


def test_the_folder_is_the_one_the_error_names_else_the_steps_and_other_errors_are_not_a_full_disk() -> None:
    step = Path("/data/raw")
    duckdb_error = 'Could not write file "/mnt/w/.xxgk.duckdb.1.ab.building": No space left on device'
    assert no_space_folder(duckdb_error, step) == Path("/mnt/w")
    copy_error = "[Errno 28] No space left on device: '/data/xxgk.duckdb' -> '/mnt/w/.xxgk.duckdb.1.ab.building'"
    assert no_space_folder(copy_error, step) == Path("/mnt/w")
    assert no_space_folder("(sqlite3.OperationalError) database or disk is full", step) == step
    assert no_space_folder("[Errno 13] Permission denied: '/data/raw/x'", step) is None
    # SQLite's `disk I/O error` counts only where the disk is indeed full
    assert no_space_folder("(sqlite3.OperationalError) disk I/O error", ROOT) is None


def test_an_error_inside_the_demo_run_is_not_taken_for_a_port_that_cannot_be_served() -> None:
    with pytest.raises(OSError) as raised:
        with _serving(None):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert not isinstance(raised.value, ConfigError) and raised.value.errno == errno.ENOSPC


@pytest.fixture
def tiny_tmpfs(tmp_path: Path):
    """A 1 MB tmpfs, where this process may mount one (root in a container that allows it)."""
    mount = Path("/tmp") / f"xxgk-full-{uuid.uuid4().hex[:8]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0 or shutil.which("umount") is None:
        mount.rmdir()
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)
        mount.rmdir()


def test_a_real_full_disk_is_one_line_naming_the_folder(tmp_path: Path, tiny_tmpfs: Path) -> None:
    """The Dagster instance elsewhere: the crawl fills the raw store's disk."""
    data = tiny_tmpfs / "data"
    result = _demo(tmp_path, "import sys\nfrom assets.cli import main\n"
                             "if __name__ == '__main__':\n    sys.exit(main(['demo', '--data', sys.argv[1]]))\n", data)
    _assert_one_line(result, data / "raw")

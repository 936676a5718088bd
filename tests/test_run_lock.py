"""Two `xxgk run` on one data folder: the second refuses to start, naming the first's pid, and a
lock left by a run that was killed is taken over. Real processes, a real `xxgk run` as the second."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A process holding the data folder as `xxgk run` does, until it is killed.
HOLDER = """
import sys, time
from pathlib import Path
from assets.run import holding
with holding(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""
# A process that takes the folder, says what it found, and lets go.
TAKER = """
import os, sys
from pathlib import Path
from assets.run import holding
with holding(Path(sys.argv[1]), echo=lambda line: print(line, file=sys.stderr)):
    print(os.getpid(), Path(sys.argv[1], ".xxgk-run.lock").read_text().strip())
"""


def _python(script: str, *args: str) -> list[str]:
    return [sys.executable, "-c", script, *args]


def test_a_second_run_on_the_same_data_folder_refuses_in_one_line_naming_the_holder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = os.environ | {"DAGSTER_HOME": str(tmp_path / "home")}
    with subprocess.Popen(_python(HOLDER, str(data)), stdout=subprocess.PIPE, text=True, cwd=ROOT,
                          start_new_session=True) as holder:
        try:
            assert holder.stdout.readline().strip() == "held"
            # loopback with nothing listening: were the lock not taken, the run would fail fast here
            second = subprocess.run([sys.executable, "-m", "assets.cli", "run", "--data", str(data),
                                     "--start-url", "http://127.0.0.1:9/"], capture_output=True, text=True,
                                    timeout=180, cwd=ROOT, env=env)
            assert second.returncode == 2
            (line,) = second.stderr.strip().splitlines()
            assert line == (f"xxgk run: another xxgk run (pid {holder.pid}) is using the data folder {data}; "
                            f"wait for it to end (its lock: {data / '.xxgk-run.lock'})")
            assert not (tmp_path / "home").exists()  # refused before any Dagster run
            assert not (data / "raw").exists()
        finally:
            os.killpg(holder.pid, signal.SIGKILL)
    # the holder died without letting go: the next run takes the folder over and says so
    taker = subprocess.run(_python(TAKER, str(data)), capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert taker.returncode == 0, taker.stderr
    assert taker.stderr.rstrip().splitlines() == [
        f"  the lock {data / '.xxgk-run.lock'} was left by pid {holder.pid}, which is no longer running: taken over"]
    own, written = taker.stdout.split()
    assert written == own != str(holder.pid)  # the lock now names its new holder
    # a run that ended normally leaves nothing to take over
    again = subprocess.run(_python(TAKER, str(data)), capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert again.returncode == 0 and again.stderr == ""
    assert (data / ".xxgk-run.lock").read_text() == ""

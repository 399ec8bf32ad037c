"""scripts/demo starts the task worker beside the server, stops it with the server, and points e-mail links at its port.

The script is run for real with a stand-in for Python (PONTIS_DEMO_PYTHON) and without setup
(PONTIS_DEMO_SKIP_SETUP=1): the stand-in records how it was called, and plays the worker (waits until stopped)
and the server (waits until the worker is up, then stops, or waits for Ctrl+C).
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FAKE_PYTHON = r"""#!/usr/bin/env bash
log="$FAKE_LOG"
echo "call $* site=$PONTIS_SITE_URL debug=$DEBUG" >> "$log"
case "$2" in
  run_worker)
    trap 'echo worker-stopped >> "$log"; exit 0' TERM
    echo worker-ready >> "$log"
    while true; do sleep 0.05; done ;;
  runserver)
    until grep -q worker-ready "$log"; do sleep 0.05; done
    if [ "${FAKE_SERVER_WAITS:-0}" = "1" ]; then
      echo server-up >> "$log"
      while true; do sleep 0.05; done
    fi
    echo server-stopped >> "$log" ;;
esac
"""


@pytest.fixture
def fake(tmp_path):
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    log = tmp_path / "log"
    log.touch()
    env = {**os.environ, "PONTIS_DEMO_PYTHON": str(python), "PONTIS_DEMO_SKIP_SETUP": "1", "FAKE_LOG": str(log),
           "PORT": "8123"}
    env.pop("PONTIS_SITE_URL", None)
    env.pop("DEBUG", None)
    return env, log


def _wait_for(log: Path, text: str, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_runs_beside_the_server_and_stops_with_it(fake):
    env, log = fake
    result = subprocess.run(["bash", "scripts/demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    lines = log.read_text().splitlines()
    calls = [line for line in lines if line.startswith("call ")]
    assert any(c.startswith("call manage.py run_worker ") for c in calls)
    assert any(c.startswith("call manage.py runserver 127.0.0.1:8123 ") for c in calls)
    # e-mail links point to the demo's port; the demo shows the friendly error pages (debug off)
    assert all("site=http://127.0.0.1:8123 debug=0" in c for c in calls)
    assert "worker-stopped" in lines and lines.index("worker-stopped") > lines.index("server-stopped")
    assert "Press Ctrl+C to stop both." in result.stdout


def test_ctrl_c_stops_the_server_and_the_worker(fake):
    env, log = fake
    env["FAKE_SERVER_WAITS"] = "1"
    process = subprocess.Popen(["bash", "scripts/demo"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert _wait_for(log, "server-up")
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C does: SIGINT to the terminal's foreground group
        process.wait(timeout=30)
        assert _wait_for(log, "worker-stopped")
        assert process.returncode == 130
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def test_an_explicit_site_url_is_kept(fake):
    env, log = fake
    env["PONTIS_SITE_URL"] = "https://demo.pontis.example"
    subprocess.run(["bash", "scripts/demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "site=https://demo.pontis.example" in log.read_text()


def test_readme_quick_start_keeps_two_commands_and_documents_the_site_url():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert quick_start.count("```bash") == 2
    assert "bash scripts/demo\n" in quick_start and "bash scripts/test\n" in quick_start
    configuration = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert "| `PONTIS_SITE_URL` |" in configuration

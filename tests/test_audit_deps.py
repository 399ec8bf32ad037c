"""scripts/audit-deps: a known vulnerability fails CI; an unreachable service skips the audit and says so.

The real pip-audit audits the real .venv against a vulnerability service played by a small HTTP server on
loopback (pip-audit's OSV service with ``--osv-url``), so nothing here needs the internet.
"""

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VULN = {"id": "GHSA-TEST-0001", "summary": "A test advisory", "affected": [{
    "package": {"name": "django", "ecosystem": "PyPI"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}]}]}


def audit(*args, env=None):
    environment = {**os.environ, "PIP_AUDIT_TIMEOUT": "5", **(env or {})}
    return subprocess.run(["bash", "scripts/audit-deps", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def service():
    """An OSV-like service: ``service.answer(name) -> (status, body)`` decides each package's answer."""
    queried = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            name = query["package"]["name"]
            queried.append(name)
            status, body = server.answer(name)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.answer = lambda name: (200, {})
    server.queried = queried
    server.url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_known_vulnerability_fails_the_audit_and_names_package_advisory_and_fix(service):
    service.answer = lambda name: (200, {"vulns": [VULN]} if name == "django" else {})

    result = audit("-s", "osv", "--osv-url", service.url)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 known vulnerabilities in 1 installed packages" in result.stdout
    assert "GHSA-TEST-0001 (fixed in 99.0)" in result.stdout
    assert "skipped" not in result.stdout


def test_a_clean_environment_passes_after_every_installed_package_was_asked_about(service):
    result = audit("-s", "osv", "--osv-url", service.url)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"no known vulnerabilities in {len(service.queried)} installed packages" in result.stdout
    assert {"django", "django-ninja", "pip-audit", "pytest"} <= set(service.queried)


def test_a_service_that_cannot_be_reached_skips_the_audit_saying_so():
    result = audit("-s", "osv", "--osv-url", "http://127.0.0.1:9/v1/query")  # nothing listens on port 9

    assert result.returncode == 0, result.stdout + result.stderr
    assert "dependency audit skipped: the vulnerability service cannot be reached" in result.stdout
    assert "Connection refused" in result.stdout
    assert "no known vulnerabilities" not in result.stdout


def test_a_service_answering_errors_skips_the_audit_saying_so(service):
    service.answer = lambda name: (503, {"error": "down"})

    result = audit("-s", "osv", "--osv-url", service.url)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("dependency audit skipped: the vulnerability service cannot be")


def _fake_pip_audit(tmp_path, report):
    """PyPI's answers cannot be redirected: a stand-in pip-audit prints the report PyPI's 404s lead to."""
    (tmp_path / "report.json").write_text(json.dumps(report))
    fake = tmp_path / "pip-audit"
    fake.write_text(f"#!/bin/sh\ncat {tmp_path / 'report.json'}\n")
    fake.chmod(0o755)
    return {"PIP_AUDIT": str(fake)}


def _not_found(name):
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)"}


def test_a_service_that_knows_no_package_skips_instead_of_passing(tmp_path):
    # What happens on this machine: pypi.org answers, but 404 for every release, so nothing was audited.
    env = _fake_pip_audit(tmp_path, {"dependencies": [_not_found("django"), _not_found("nh3")], "fixes": []})

    result = audit(env=env)

    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == (
        "dependency audit skipped: the vulnerability service audited none of the 2 packages "
        "(Dependency not found on PyPI and could not be audited: django (1.0))")


def test_an_audit_that_missed_some_packages_is_not_a_pass(tmp_path):
    report = {"dependencies": [{"name": "django", "version": "5.2.8", "vulns": []}, _not_found("nh3")], "fixes": []}

    result = audit(env=_fake_pip_audit(tmp_path, report))

    assert result.returncode == 2
    assert "the audit is incomplete: 1 of 2 packages could not be audited" in result.stderr
    assert "nh3: Dependency not found on PyPI" in result.stderr

"""What every fault drill shares: its own PostgreSQL cluster and Redis, Pontis served the production way, load.

Nothing here touches the machine's shared PostgreSQL (5432) or Redis (6379): the drill cluster is initdb'd into a
temporary directory and listens on 55432, Redis on 56379. Pontis runs under gunicorn with PONTIS_ENV=production, a
generated SECRET_KEY, WEB_CONCURRENCY and REDIS_URL, on loopback (SECURE_SSL_REDIRECT=0: plain HTTP on loopback).
Each check is printed as PASS/FAIL with its figures and collected for bench/results/drills-<date>.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("DRILL_REDIS_PORT", "56379"))
WORK = Path(os.environ.get("DRILL_WORK", "/tmp/pontis-drills"))
RESULTS = WORK / "results.jsonl"  # run_all.sh turns it into bench/results/drills-<date>.md


def pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        sys.exit(f"drills: PostgreSQL server binaries not found ({name})")
    return str(found[-1])


class Report:
    """Prints each check as it is made and appends it to the results file."""

    def __init__(self, drill: str):
        self.drill = drill
        self.failed = 0

    def check(self, what: str, ok: bool, detail: str = "") -> bool:
        status = "PASS" if ok else "FAIL"
        self.failed += 0 if ok else 1
        print(f"[{status}] {self.drill}: {what}" + (f" — {detail}" if detail else ""), flush=True)
        WORK.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as out:
            out.write(json.dumps({"drill": self.drill, "check": what, "status": status, "detail": detail}) + "\n")
        return ok

    def note(self, text: str) -> None:
        print(f"       {self.drill}: {text}", flush=True)
        with RESULTS.open("a") as out:
            out.write(json.dumps({"drill": self.drill, "note": text}) + "\n")

    def exit(self):
        sys.exit(1 if self.failed else 0)


def _as_postgres(args, **kw):
    """initdb and pg_ctl refuse root: run them as the postgres user when we are root."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


class Postgres:
    """A throw-away PostgreSQL cluster on PG_PORT (trust authentication on loopback only)."""

    def __init__(self, name: str):
        self.dir = Path(tempfile.mkdtemp(prefix=f"pg-{name}-", dir="/tmp"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        _as_postgres([pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {PG_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                       "fsync = on\nmax_connections = 200\nshared_buffers = 64MB\n")
        self.start()
        subprocess.run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "pontis"], check=True)

    def url(self, db: str = "pontis", port: int | None = None) -> str:
        return f"postgres://postgres@127.0.0.1:{port or PG_PORT}/{db}"

    def start(self):
        _as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "start"])

    def stop(self, mode: str = "fast"):
        _as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def sql(self, query: str, db: str = "pontis") -> str:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", db, "-XAtq",
                              "-v", "ON_ERROR_STOP=1", "-c", query], check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def destroy(self):
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self):
        self.proc = subprocess.Popen(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(REDIS_PORT)
        self.url = f"redis://127.0.0.1:{REDIS_PORT}/0"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def free_port() -> int:
    """A loopback port nobody listens on now (the kernel's choice), for a server a drill starts after others: a
    fixed port can still be held by the previous drill's server while it closes."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 20):
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def app_env(database_url: str, redis_url: str, media_root: Path, **extra) -> dict:
    """The production profile, as docs/deploy.md describes it, on loopback over plain HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PONTIS_", "DATABASE_", "DB_"))}
    env.update({
        "PONTIS_ENV": "production",
        "SECRET_KEY": os.environ.get("DRILL_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": "3",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": str(WORK / "static"),
        "PONTIS_VAR_DIR": str(WORK / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args, check=True, timeout=900) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and out.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def prepare_database(env: dict) -> None:
    """Migrate, collect static files (once per run) and load the demo data."""
    manage(env, "migrate", "--noinput")
    if not (WORK / "static" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v", "0")
    # The demo loaders are development tooling: run them in the development profile against the same database.
    demo_env = {**env, "PONTIS_ENV": "development", "REDIS_URL": ""}
    demo_env.pop("SECRET_KEY")
    manage(demo_env, "load_demo")


def shell(env: dict, code: str) -> str:
    """Run Python inside Django (the drill's own set-up, not a path the users take)."""
    return manage(env, "shell", "-c", code).strip()


class Gunicorn:
    def __init__(self, env: dict, port: int, workers: int = 3, name: str = "web"):
        self.port, self.name = port, name
        WORK.mkdir(parents=True, exist_ok=True)
        (WORK / f"access-{name}-{port}.log").unlink(missing_ok=True)
        self.log = WORK / f"gunicorn-{name}-{port}.log"
        self.proc = subprocess.Popen(
            [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--timeout", "60", "--graceful-timeout", "5", "--forwarded-allow-ips", "127.0.0.1",
             "--access-logfile", str(WORK / f"access-{name}-{port}.log"),
             "--access-logformat", '%(t)s "%(r)s" %(s)s %(M)s'],
            cwd=ROOT, env={**env, "WEB_CONCURRENCY": str(workers)}, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn ended; see {self.log}")
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer; see {self.log}")

    def statuses(self) -> dict[int, int]:
        """How many answers of each status the access log holds."""
        counts: dict[int, int] = {}
        path = WORK / f"access-{self.name}-{self.port}.log"
        for line in path.read_text().splitlines() if path.exists() else []:
            parts = line.split()
            if len(parts) >= 2 and parts[-2].isdigit():
                counts[int(parts[-2])] = counts.get(int(parts[-2]), 0) + 1
        return counts

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        return [int(p) for p in out]

    def kill(self):
        """The whole instance, at once (SIGKILL to its process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wrk(url: str, seconds: int = 10, connections: int = 16, headers: dict | None = None) -> subprocess.Popen:
    """Start wrk in the background (bounded in time); read the result with wrk_result()."""
    if not shutil.which("wrk"):
        sys.exit("drills: Debian's wrk is missing (apt-get install wrk)")
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for k, v in (headers or {}).items():
        args += ["-H", f"{k}: {v}"]
    return subprocess.Popen([*args, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_result(proc: subprocess.Popen) -> dict:
    text = proc.communicate(timeout=120)[0]
    result = {"text": text, "requests": 0, "non2xx": 0, "socket_errors": 0, "rps": 0.0}
    if m := re.search(r"(\d+) requests in", text):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        result["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        result["socket_errors"] = sum(int(x) for x in m.groups())
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        result["rps"] = float(m.group(1))
    return result


def session_cookie_for(env: dict, email: str) -> str:
    """A signed-in database session for a demo user (as after signing in), for wrk and requests."""
    code = (
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        f"u = get_user_model().objects.get(email={email!r})\n"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk); s[HASH_SESSION_KEY] = u.get_session_auth_hash()\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'; s.create(); print(s.session_key)"
    )
    return shell(env, code).splitlines()[-1]


def table_counts(pg: Postgres) -> dict[str, int]:
    """Exact row count of every table of the public schema."""
    tables = pg.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split()
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM public.\"{t}\"" for t in tables)
    return {line.split("|")[0]: int(line.split("|")[1]) for line in pg.sql(query).splitlines()}


def foreign_keys_valid(pg: Postgres) -> tuple[bool, str]:
    """Every foreign key and check constraint is validated, and no row breaks one (checked row by row)."""
    not_valid = pg.sql("SELECT conrelid::regclass || '.' || conname FROM pg_constraint "
                       "WHERE contype IN ('f', 'c') AND NOT convalidated")
    if not_valid:
        return False, f"constraints not validated: {not_valid}"
    fks = pg.sql("""
        SELECT c.conrelid::regclass, a.attname, c.confrelid::regclass, af.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1""").splitlines()
    broken = []
    for line in fks:
        table, col, ref, refcol = line.split("|")
        n = int(pg.sql(f'SELECT count(*) FROM {table} t WHERE t."{col}" IS NOT NULL AND NOT EXISTS '
                       f'(SELECT 1 FROM {ref} r WHERE r."{refcol}" = t."{col}")'))
        if n:
            broken.append(f"{table}.{col}: {n}")
    return not broken, f"{len(fks)} foreign keys checked row by row" + (f"; broken: {broken}" if broken else "")


def file_fields(env: dict) -> set[str]:
    """Every file name that a FileField of any model refers to."""
    code = (
        "from django.apps import apps\nfrom django.db import models\nnames = set()\n"
        "for m in apps.get_models():\n"
        "    for f in m._meta.get_fields():\n"
        "        if isinstance(f, models.FileField):\n"
        "            names |= set(m._default_manager.exclude(**{f.name: ''}).exclude(**{f.name + '__isnull': True})"
        ".values_list(f.name, flat=True))\n"
        "import json; print(json.dumps(sorted(names)))"
    )
    return set(json.loads(shell(env, code).splitlines()[-1]))


def media_files(media_root: Path) -> set[str]:
    return {str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file()}


def probe(url: str, *, timeout: float = 15, headers: dict | None = None) -> tuple[int, float]:
    """One request: (status, seconds). Status 0 when no HTTP answer came (refused, reset, timed out)."""
    start = time.monotonic()
    try:
        status = requests.get(url, timeout=timeout, headers=headers or {}, allow_redirects=False).status_code
    except requests.RequestException:
        status = 0
    return status, time.monotonic() - start


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

"""Drill 5: back up, wipe, restore; compare the row count of every table and the checksum of every file.

The database holds the demo data plus an endorsement letter uploaded through the API (so MEDIA_ROOT is not empty).
scripts/backup writes the dump and the media tarball; the drill then drops the database and deletes MEDIA_ROOT,
runs scripts/restore into a fresh empty database, and compares.
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    Gunicorn,
    Postgres,
    Redis,
    Report,
    app_env,
    file_fields,
    foreign_keys_valid,
    manage,
    media_files,
    prepare_database,
    table_counts,
)


def checksums(media: Path) -> dict[str, str]:
    return {name: hashlib.sha256((media / name).read_bytes()).hexdigest() for name in media_files(media)}


def upload_letter(env, base) -> int:
    """Attach an endorsement letter to one of the focal point's draft requests, through the API."""
    token = manage(env, "issue_api_token", "--user", "focal.point@pontis.example", "--name", "drill").strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    items = requests.get(base + "/api/v1/requests?limit=200", headers=headers, timeout=30).json()
    items = items.get("items", items) if isinstance(items, dict) else items
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    for item in items:
        answer = requests.post(f"{base}/api/v1/requests/{item['id']}/endorsement-letter", headers=headers,
                               files={"file": ("letter.pdf", pdf, "application/pdf")}, timeout=30)
        if answer.status_code == 200:
            return item["id"]
    raise RuntimeError("no request of the focal point accepted an endorsement letter")


def main():
    report = Report("backup-restore")
    pg, redis = Postgres("backup"), Redis()
    media = Path(tempfile.mkdtemp(prefix="pontis-media-"))
    backups = Path(tempfile.mkdtemp(prefix="pontis-backups-"))
    try:
        env = app_env(pg.url(), redis.url, media)
        prepare_database(env)
        web = Gunicorn(env, 58001, workers=2)
        try:
            request_id = upload_letter(env, web.base)
        finally:
            web.stop()
        report.note(f"an endorsement letter uploaded through the API to request {request_id}")
        counts, sums = table_counts(pg), checksums(media)
        out = subprocess.run(["bash", "scripts/backup", str(backups)], cwd=ROOT, env=env, capture_output=True, text=True)
        report.check("scripts/backup writes a dump and a media tarball", out.returncode == 0
                     and len(list(backups.glob("*.dump"))) == 1 and len(list(backups.glob("*.media.tar.gz"))) == 1,
                     out.stderr.strip()[-300:] or ", ".join(p.name for p in sorted(backups.iterdir())))
        dump = next(backups.glob("*.dump"))
        # Wipe: the database dropped and created empty, every uploaded file gone.
        pg.sql("DROP DATABASE pontis WITH (FORCE)", db="postgres")
        pg.sql("CREATE DATABASE pontis", db="postgres")
        shutil.rmtree(media)
        out = subprocess.run(["bash", "scripts/restore", str(dump)], cwd=ROOT, env=env, capture_output=True, text=True)
        report.check("scripts/restore runs into an empty database", out.returncode == 0, out.stderr.strip()[-300:])
        restored = table_counts(pg)
        differ = {t: (counts.get(t), restored.get(t)) for t in set(counts) | set(restored) if counts.get(t) != restored.get(t)}
        report.check("row counts identical in every table", not differ,
                     f"{len(restored)} tables, {sum(restored.values())} rows" + (f"; differ: {differ}" if differ else ""))
        ok, detail = foreign_keys_valid(pg)
        report.check("foreign keys and check constraints hold after restore", ok, detail)
        after = checksums(media) if media.exists() else {}
        report.check("every uploaded file restored with the same SHA-256", bool(sums) and after == sums,
                     f"{len(sums)} files before, {len(after)} after")
        report.check("every FileField points at a restored file", file_fields(env) <= set(after),
                     f"{len(file_fields(env))} referenced")
        migrate = manage(env, "migrate", "--check", check=False)
        report.check("the restored database needs no migration", "Unapplied" not in migrate, migrate.strip()[-200:])
    finally:
        redis.stop()
        pg.destroy()
        shutil.rmtree(backups, ignore_errors=True)
        shutil.rmtree(media, ignore_errors=True)
    report.exit()


if __name__ == "__main__":
    main()

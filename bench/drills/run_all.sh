#!/usr/bin/env bash
# Run every fault drill (docs: bench/README.md) and write bench/results/drills-<date>.md.
#
#   bash bench/drills/run_all.sh              # all five
#   bash bench/drills/run_all.sh database     # only the drills whose file name contains "database"
#
# Each drill starts its own PostgreSQL cluster (port 55432, initdb in /tmp) and Redis (port 56379), serves Pontis
# with gunicorn in the production profile on loopback, loads the demo data and prints PASS/FAIL per check.
# Needs Debian's wrk and haproxy (apt-get install wrk haproxy) and the PostgreSQL server binaries.
set -uo pipefail

cd "$(dirname "$0")/../.."
export DRILL_WORK="${DRILL_WORK:-/tmp/pontis-drills}"
mkdir -p "$DRILL_WORK" bench/results
rm -f "$DRILL_WORK/results.jsonl"
PY=.venv/bin/python
for tool in wrk haproxy redis-server psql pg_dump; do
  command -v "$tool" >/dev/null || { echo "run_all: $tool is missing (apt-get install wrk haproxy redis-server postgresql)" >&2; exit 2; }
done

DRILLS=(drill_kill_worker drill_database drill_task_worker drill_two_instances drill_backup_restore)
failed=0
started=$(date -u +%s)
for drill in "${DRILLS[@]}"; do
  [[ -n "${1:-}" && "$drill" != *"$1"* ]] && continue
  echo "== $drill"
  "$PY" "bench/drills/$drill.py" || failed=$((failed + 1))
done

OUT="bench/results/drills-$(date -u +%Y-%m-%d).md"
"$PY" - "$OUT" "$(( $(date -u +%s) - started ))" <<'PY'
import json, os, subprocess, sys
from pathlib import Path

out, seconds = Path(sys.argv[1]), int(sys.argv[2])
rows = [json.loads(line) for line in Path(os.environ["DRILL_WORK"], "results.jsonl").read_text().splitlines()]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = " (with uncommitted changes)" if subprocess.run(["git", "status", "--porcelain"], capture_output=True,
                                                         text=True).stdout.strip() else ""
load = open("/proc/loadavg").read().split()[:3]
lines = [f"# Fault drills, {out.stem.removeprefix('drills-')}", "",
         f"Commit {commit}{dirty}; {os.cpu_count()} cores; load average before the summary {' '.join(load)}; "
         f"{seconds} s in all. Produced by `bash bench/drills/run_all.sh` (see bench/README.md).", ""]
drill = None
for row in rows:
    if row["drill"] != drill:
        drill = row["drill"]
        lines += ["", f"## {drill}", "", "| result | check | figures |", "|---|---|---|"]
    if "note" in row:
        lines.append(f"| | *{row['note'].replace('|', '/')}* | |")
    else:
        lines.append(f"| **{row['status']}** | {row['check']} | {row['detail'].replace('|', '/')} |")
passed = sum(1 for r in rows if r.get("status") == "PASS")
failed = sum(1 for r in rows if r.get("status") == "FAIL")
lines[4:4] = [f"**{passed} checks passed, {failed} failed.**", ""]
out.write_text("\n".join(lines) + "\n")
print(f"run_all: {passed} passed, {failed} failed; results in {out}")
PY
exit $(( failed > 0 ))

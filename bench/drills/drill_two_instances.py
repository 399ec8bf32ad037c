"""Drill 4: two app instances behind HAProxy, sharing PostgreSQL, Redis and MEDIA_ROOT; one is killed under load.

Checks: a session made on one instance is signed in on the other (database sessions); failed sign-ins counted on
both add up to one lock (rate limits in Redis); a file uploaded through one instance downloads from the other
(shared MEDIA_ROOT); killing one instance (SIGKILL to all its processes) during a load run through HAProxy loses at
most the requests it had in flight, and the other instance serves everything afterwards.
"""

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    WORK,
    Gunicorn,
    Postgres,
    Redis,
    Report,
    app_env,
    manage,
    prepare_database,
    session_cookie_for,
    wait_port,
    wrk,
    wrk_result,
)
from drill_backup_restore import upload_letter  # noqa: E402

HAPROXY_PORT = 58080
HAPROXY_CFG = """global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check 6s
    retries 2
    option redispatch
    retry-on conn-failure empty-response response-timeout
frontend pontis
    bind 127.0.0.1:{port}
    option forwardfor
    default_backend web
backend web
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
    server a 127.0.0.1:58001 check
    server b 127.0.0.1:58002 check
"""


def signed_in(base, cookie) -> bool:
    answer = requests.get(base + "/", headers={"Cookie": f"sessionid={cookie}"}, timeout=30, allow_redirects=False)
    return answer.status_code == 200 and "/accounts/logout/" in answer.text  # the sign-out form of the header


def failed_sign_in(base) -> str:
    """One wrong password for the demo expert: "refused" (wrong password) or "locked" (rate limit)."""
    # Behind the load balancer every instance sees the site's one host name; allauth keys the per-account count by
    # it (with the e-mail), so the instances are asked under the same Host, as HAProxy forwards it.
    page = requests.get(base + "/accounts/login/", headers={"Host": "localhost"}, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    csrf = page.cookies.get("csrftoken")
    answer = requests.post(base + "/accounts/login/", data={"csrfmiddlewaretoken": token, "login": "expert@pontis.example",
                                                           "password": "not-the-password"},
                           headers={"Cookie": f"csrftoken={csrf}", "Host": "localhost"},
                           timeout=30, allow_redirects=False, cookies=None)
    # The page is in the account's language cookie-less default (English): allauth's own message when locked.
    if "Too many failed login attempts" in answer.text:
        return "locked"
    errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{3,120})<', answer.text)
    return f"refused {answer.status_code}" + (f" ({errors[0].strip()})" if errors and len(errors[0].strip()) > 2 else "")


def main():
    report = Report("two-instances")
    pg, redis = Postgres("two"), Redis()
    media = Path(tempfile.mkdtemp(prefix="pontis-media-shared-"))
    a = b = haproxy = None
    try:
        # Both instances: the same database, Redis, MEDIA_ROOT and SECRET_KEY; HAProxy is the one proxy in front.
        env = app_env(pg.url(), redis.url, media, PONTIS_TRUSTED_PROXY_COUNT=1)
        prepare_database(env)
        a, b = Gunicorn(env, 58001, workers=2, name="a"), Gunicorn(env, 58002, workers=2, name="b")
        cfg = WORK / "haproxy.cfg"
        cfg.write_text(HAPROXY_CFG.format(port=HAPROXY_PORT))
        haproxy = subprocess.Popen(["haproxy", "-f", str(cfg), "-db"], stdout=(WORK / "haproxy.log").open("w"),
                                   stderr=subprocess.STDOUT)
        wait_port(HAPROXY_PORT)
        time.sleep(2.5)  # health checks pass ("rise 2")
        front = f"http://127.0.0.1:{HAPROXY_PORT}"

        cookie = session_cookie_for(env, "expert@pontis.example")
        report.check("a session is signed in on both instances (database sessions)",
                     signed_in(a.base, cookie) and signed_in(b.base, cookie))
        codes = [failed_sign_in(a.base if i % 2 == 0 else b.base) for i in range(6)]
        # 5 failures per account in 5 minutes (ACCOUNT_RATE_LIMITS): the sixth, wherever it lands, is refused.
        keys = subprocess.run(["redis-cli", "-p", redis.url.rsplit(":", 1)[1].split("/")[0], "--scan", "--pattern",
                               "*login_failed*"], capture_output=True, text=True).stdout.split()
        report.check("failed sign-ins on both instances add up to one limit (Redis)",
                     all(c.startswith("refused") for c in codes[:5]) and codes[5] == "locked",
                     f"answers alternating a/b: {codes}; counters in Redis: {len(keys)}")
        request_id = upload_letter(env, a.base)
        token = manage(env, "issue_api_token", "--user", "focal.point@pontis.example").strip().splitlines()[-1]
        download = requests.get(f"{b.base}/api/v1/requests/{request_id}/endorsement-letter",
                                headers={"Authorization": f"Bearer {token}"}, timeout=30)
        report.check("a file uploaded through one instance downloads from the other (shared MEDIA_ROOT)",
                     download.status_code == 200 and download.content.startswith(b"%PDF"),
                     f"upload via a, download via b: {download.status_code}")

        load = wrk(front + "/", seconds=10, connections=16, headers={"Cookie": f"sessionid={cookie}"})
        time.sleep(4)
        a.kill()
        result = wrk_result(load)
        failed = result["non2xx"] + result["socket_errors"]
        report.note(f"load through HAProxy: {result['requests']} requests at {result['rps']:.0f}/s; instance a killed at 4 s")
        report.check("killing one instance under load loses at most its in-flight requests",
                     failed <= 2, f"{failed} failed of {result['requests']} (non-2xx {result['non2xx']}, "
                                  f"socket errors {result['socket_errors']}; instance a had 2 workers)")
        after = [requests.get(front + "/", headers={"Cookie": f"sessionid={cookie}"}, timeout=30).status_code
                 for _ in range(20)]
        report.check("the other instance serves every request afterwards, session intact",
                     after == [200] * 20 and signed_in(front, cookie), f"statuses {sorted(set(after))}")
    finally:
        if haproxy:
            haproxy.terminate()
            haproxy.wait(10)
        for instance in (a, b):
            if instance:
                instance.stop()
        redis.stop()
        pg.destroy()
    report.exit()


if __name__ == "__main__":
    main()

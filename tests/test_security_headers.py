"""Content-Security-Policy: sent on every page, strict (no inline code), and no template needs more."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [p for p in (ROOT / "pontis").rglob("templates/**/*.html")]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json[\"'])[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
HX_ON = re.compile(r"\bhx-on\b|\bhx-on[:-]", re.I)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)
BROWSER_TEMPLATES = [p for p in TEMPLATES if not p.name.endswith("_pdf.html")]  # PDFs are drawn on the server


def _policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path, follow=True)

    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_signed_in_page_carries_the_policy(client, officer):
    client.force_login(officer)

    response = client.get("/")

    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_htmx_is_told_not_to_evaluate_code_nor_inject_styles(client):
    page = client.get("/accounts/login/").content.decode()

    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page)
    assert config is not None
    assert '"allowEval": false' in config.group(1)
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowScriptTags": false' in config.group(1)


def test_the_templates_have_something_to_check():
    assert len(TEMPLATES) > 30


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, HX_ON, JS_URL], ids=["inline-script", "on-handler",
                                                                                      "hx-on", "javascript-url"])
def test_no_template_has_inline_code_the_policy_would_block(pattern):
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)[:80]}"
                 for path in TEMPLATES for match in pattern.finditer(path.read_text(encoding="utf-8"))]

    assert offenders == []


def test_no_page_template_has_inline_styles():
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)[:80]}"
                 for path in BROWSER_TEMPLATES for match in INLINE_STYLE.finditer(path.read_text(encoding="utf-8"))]

    assert offenders == []


def test_the_patterns_catch_what_they_are_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert EVENT_HANDLER.search('<button class="b" onclick="go()">')
    assert not EVENT_HANDLER.search('<button class="b" data-once="1">')
    assert HX_ON.search('<div hx-on:click="x()">')
    assert JS_URL.search('<a href="javascript:void(0)">')
    assert INLINE_STYLE.search('<p class="x" style="color:red">')
    assert not INLINE_STYLE.search('<p class="x" data-style="y">')

"""Every string the code marks for translation is translated in every UI language.

Each app keeps its own catalogue (docs/decisions.md, "Translations"); Django merges them at run time, so a
string counts as translated when any catalogue of the language translates it. The check reads the code with
``ast`` (gettext calls whose first argument is a literal) and the templates with a regular expression
(``{% translate "..." %}`` / ``{% trans "..." %}``), so it catches the common case of a new string shipped
without its translations; ``blocktranslate`` blocks are checked by msgfmt's completeness only.
"""

from __future__ import annotations

import ast
import re
import subprocess
from functools import cache
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["fr", "es", "pt", "ru"]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
TEMPLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?[^%]*%}""")


def _sources():
    for path in sorted([*(ROOT / "pontis").rglob("*.py"), *(ROOT / "config").rglob("*.py")]):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {"migrations", "tests"}:
            continue
        yield path


@cache
def marked_strings() -> dict[tuple[str, str], str]:
    """(context, msgid) -> where it was found, for every literal string marked for translation."""
    found = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_NAMES or not node.args:
                continue
            args = node.args
            context = ""
            if name.startswith("pgettext"):
                if len(args) < 2 or not isinstance(args[0], ast.Constant):
                    continue
                context, args = args[0].value, args[1:]
            first = args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
                found.setdefault((context, first.value), f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in sorted((ROOT / "pontis").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_TAG.finditer(text):
            msgid = match.group(2)
            if "{{" in msgid:
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.setdefault((match.group(4) or "", msgid), f"{path.relative_to(ROOT)}:{line}")
    return found


@cache
def translated(lang: str) -> set[tuple[str, str]]:
    keys = set()
    for po_path in (ROOT / "pontis").rglob(f"locale/{lang}/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgstr or any(entry.msgstr_plural.values()):
                keys.add((entry.msgctxt or "", entry.msgid))
    return keys


def test_the_scanner_finds_marked_strings():
    strings = marked_strings()

    assert ("", "Sign in") in strings  # a template tag
    assert ("", "This step is not possible: it cannot go from “%(from)s” to “%(to)s”.") in strings  # Python code


@pytest.mark.parametrize("lang", LANGS)
def test_every_marked_string_is_translated(lang):
    missing = sorted(f"{where}: {msgid!r}" for (context, msgid), where in marked_strings().items()
                     if (context, msgid) not in translated(lang))

    assert not missing, (f"{len(missing)} string(s) without a {lang} translation (run makemessages, then translate):\n"
                         + "\n".join(missing[:40]))


@pytest.mark.parametrize("po", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pontis").rglob("locale/*/LC_MESSAGES/django.po")))
def test_every_catalogue_is_complete_and_valid(po):
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(ROOT / po)],
                            capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr

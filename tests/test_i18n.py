"""Content in several languages and the translated shell."""

import subprocess
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from pontis.core.i18n import translate

ROOT = Path(__file__).resolve().parent.parent
SHELL_LANGS = ["fr", "es", "pt", "ru"]
SHELL_CATALOGUES = {lang: ROOT / "pontis" / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in SHELL_LANGS}


def test_translate_answers_the_readers_language():
    with translation.override("fr"):
        text = translate({"en": "Border management", "fr": "Gestion des frontières"})

    assert text == "Gestion des frontières"
    assert text.lang == "fr"
    assert text.is_fallback is False


def test_translate_falls_back_to_english_and_says_so():
    with translation.override("ru"):
        text = translate({"fr": "Gestion des frontières", "en": "Border management"})

    assert text == "Border management"
    assert text.lang == "en"
    assert text.is_fallback is True


def test_translate_falls_back_to_any_language_present():
    with translation.override("en"):
        text = translate({"pt": "Gestão de fronteiras"})

    assert text == "Gestão de fronteiras"
    assert text.lang == "pt"
    assert text.is_fallback is True


def test_translate_of_nothing_is_empty():
    assert translate(None) == ""
    assert translate({}) == ""


def test_the_tr_tag_marks_a_fallback_visibly_with_its_language():
    template = Template("{% load pontis %}{% tr title %}")

    with translation.override("en"):
        html = template.render(Context({"title": {"fr": "Gestion des frontières"}}))

    assert html == '<span lang="fr">Gestion des frontières</span> <span class="fallback-note">(in French)</span>'


def test_the_tr_tag_renders_a_present_translation_plainly():
    template = Template("{% load pontis %}{% tr title %}")

    with translation.override("es"):
        html = template.render(Context({"title": {"en": "Border management", "es": "Gestión de fronteras"}}))

    assert html == "Gestión de fronteras"


def test_the_tr_tag_escapes_content():
    template = Template("{% load pontis %}{% tr title %}")

    with translation.override("en"):
        html = template.render(Context({"title": {"fr": "<script>x</script>"}}))

    assert "<script>" not in html


@pytest.mark.django_db
def test_switching_language_renders_the_page_in_french(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, follow=True)

    assert response.status_code == 200
    assert b'<html lang="fr">' in response.content
    assert b'<option value="fr" lang="fr" selected>' in response.content


@pytest.mark.django_db
def test_switching_back_to_english(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert b'<html lang="en">' in response.content


# The shell's catalogues (pontis/locale/) are part of the product: compiled by scripts/setup (compilemessages).
@pytest.mark.parametrize(
    "lang,expected", [("fr", "Se connecter"), ("es", "Iniciar sesión"), ("pt", "Iniciar sessão"), ("ru", "Войти")]
)
def test_the_compiled_catalogue_translates_the_base_layouts_sign_in(lang, expected):
    assert SHELL_CATALOGUES[lang].exists()
    with translation.override(lang):
        translated = translation.gettext("Sign in")

    assert translated == expected


@pytest.mark.django_db
def test_the_landing_page_in_french_has_no_english_sign_in(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    response = client.get("/")

    assert b">Sign in<" not in response.content


@pytest.mark.parametrize("lang", SHELL_LANGS)
def test_the_shell_catalogue_is_complete(lang):
    po = SHELL_CATALOGUES[lang]
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@pytest.mark.django_db
def test_signed_in_person_reads_their_preferred_language_unless_they_switched(client):
    from tests.factories import user_with_role

    person = user_with_role("observer", language="fr")
    client.force_login(person)

    assert "Se déconnecter" in client.get("/").content.decode()

    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert "Cerrar sesión" in client.get("/").content.decode()

"""The multilingual text input (core.i18n.TranslatedWidget): the author writes in the language they choose, the
text is stored under that language whatever the interface's, saved translations stay editable, and a form sent
back unchanged changes nothing in any language. Without JavaScript every language's input shows."""

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.utils import translation

from pontis.core.i18n import TranslatedField

LANGS = ["en", "fr", "es", "pt", "ru"]


class TitleForm(forms.Form):
    title = TranslatedField(max_length_per_language=300).formfield(label="Title", required=False)
    summary = TranslatedField(multiline=True).formfield(label="Summary", required=True)


class _Inputs(HTMLParser):
    """What a browser without JavaScript sends: every named input and textarea, as rendered."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self.hidden_rows, self._textarea = {}, 0, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "lang-input" in (a.get("class") or "") and "hidden" in a:
            self.hidden_rows += 1
        if tag == "input" and a.get("name"):
            self.data[a["name"]] = a.get("value", "")
        if tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.data[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea:
                self.data[self._textarea] = self.data[self._textarea].removeprefix("\n")
            self._textarea = None


def _read(html):
    parser = _Inputs()
    parser.feed(html)
    return parser


def test_text_is_stored_under_the_language_it_was_written_in_not_the_interfaces():
    with translation.override("en"):
        form = TitleForm({"title_fr": "Atelier sur les frontières", "summary_ru": "Краткое описание"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == {"fr": "Atelier sur les frontières"}
    assert form.cleaned_data["summary"] == {"ru": "Краткое описание"}


def test_required_means_one_language_whichever_it_is():
    with translation.override("fr"):
        assert TitleForm({"summary_pt": "Resumo"}).is_valid()
        form = TitleForm({"title_fr": "Seul le titre"})
        assert not form.is_valid() and "summary" in form.errors


@pytest.mark.parametrize("interface", LANGS)
def test_without_javascript_every_language_shows_and_the_choice_defaults_to_the_interface(interface):
    with translation.override(interface):
        html = str(TitleForm()["title"])
    parsed = _read(html)
    assert parsed.hidden_rows == 0  # nothing is hidden by the server: the page works without JavaScript
    assert {f"title_{code}" for code in LANGS} <= set(parsed.data)
    for code in LANGS:
        assert re.search(rf'<input type="text" name="title_{code}"[^>]* lang="{code}"', html)
    assert f'data-active-lang="{interface}"' in html
    # The "language you write in" choice is the interface's by default, and is not posted (no name).
    written = re.search(r'<select id="id_title_written">(.*?)</select>', html).group(1)
    assert re.search(rf'<option value="{interface}" lang="{interface}" selected>', written)
    assert 'name="id_title_written"' not in html
    assert "Add a translation" in html or interface != "en"


def test_saved_translations_are_marked_so_they_stay_shown_and_editable():
    with translation.override("en"):
        html = str(TitleForm(initial={"title": {"fr": "Atelier", "es": "Taller"}})["title"])
    assert 'data-filled="fr es"' in html
    assert 'value="Atelier"' in html and 'value="Taller"' in html


@pytest.mark.parametrize("interface", LANGS)
def test_a_form_sent_back_unchanged_keeps_every_text_under_its_language(interface):
    saved = {"title": {"fr": "Atelier", "ru": "Семинар", "th": "สัมมนา"}, "summary": {"es": "Línea 1\nLínea 2"}}
    with translation.override(interface):
        page = TitleForm(initial=saved)
        html = str(page["title"]) + str(page["summary"])
        form = TitleForm(_read(html).data)
        assert form.is_valid(), form.errors
    assert form.cleaned_data == saved  # a text in a language the interface does not offer is carried through

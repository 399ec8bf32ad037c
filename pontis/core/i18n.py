"""Content in several languages: one mechanism for the whole product.

A translatable text is stored in a ``TranslatedField`` (a JSON object ``{"en": "...", "fr": "..."}``).
It is read with ``translate(value)``, which answers a ``Translated`` string in the reader's language, or a
fallback (English first, then any language present) that knows it is one, so templates can say so visibly.
Why JSON rather than one column per language: see docs/decisions.md.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

FALLBACK_ORDER = ("en", "fr", "es", "pt", "ru")


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Translated(str):
    """A string that remembers which language it is in and whether it is a fallback."""

    lang: str = ""
    is_fallback: bool = False

    def __new__(cls, text: str, lang: str = "", is_fallback: bool = False):
        obj = super().__new__(cls, text)
        obj.lang = lang
        obj.is_fallback = is_fallback
        return obj


def translate(value, lang: str | None = None) -> Translated:
    """The text of ``value`` in ``lang`` (default: the active language), else a marked fallback."""
    if value is None:
        return Translated("")
    if isinstance(value, str):
        return Translated(value, lang or "", False)
    lang = (lang or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    text = (value.get(lang) or "").strip()
    if text:
        return Translated(text, lang, False)
    for candidate in FALLBACK_ORDER + tuple(sorted(value)):
        text = (value.get(candidate) or "").strip()
        if text:
            return Translated(text, candidate, True)
    return Translated("")


def clean_translations(value) -> dict:
    """Normalise user input into ``{lang: text}`` with known languages and non-empty texts only."""
    if not value:
        return {}
    if isinstance(value, str):
        return {settings.LANGUAGE_CODE: value.strip()} if value.strip() else {}
    allowed = set(content_languages())
    return {k: v.strip() for k, v in value.items() if k in allowed and isinstance(v, str) and v.strip()}


class TranslatedField(models.JSONField):
    """A model field holding one text in several languages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        self.multiline = kwargs.pop("multiline", False)
        self.max_length_per_language = kwargs.pop("max_length_per_language", None)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.multiline:
            kwargs["multiline"] = True
        if self.max_length_per_language:
            kwargs["max_length_per_language"] = self.max_length_per_language
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        defaults = {
            "form_class": TranslatedFormField,
            "multiline": self.multiline,
            "max_length": self.max_length_per_language,
            "required": not self.blank,
        }
        defaults.update(kwargs)
        defaults.pop("encoder", None)
        defaults.pop("decoder", None)
        return defaults.pop("form_class")(**defaults)


EXTRA_KEY = "_other"
# A NUL character or a lone surrogate: PostgreSQL refuses the first, no UTF-8 text can hold the second.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _other_languages(value: dict) -> dict:
    """Texts in languages the UI does not offer (an official name in Thai, say): kept as they are."""
    ui = set(content_languages())
    return {
        k: v for k, v in (value or {}).items()
        if k not in ui and isinstance(k, str) and re.fullmatch(r"[a-z]{2,3}", k) and isinstance(v, str) and v.strip()
    }


class TranslatedWidget(forms.MultiWidget):
    """One input per UI language, plus a hidden input that carries texts in other languages through an edit.

    The page shows them all; with JavaScript (``pontis/js/widgets.js``) the author sees one input, in the language
    they say they write in (the interface's by default), and "Add a translation" reveals another language's input.
    Each input posts under its own language's name, so a text is stored under the language it was written in,
    whatever the interface's. Texts already saved show with their language and stay editable.
    """

    template_name = "core/widgets/translated.html"

    def __init__(self, multiline=False, attrs=None):
        inner = forms.Textarea(attrs={"rows": 4}) if multiline else forms.TextInput()
        widgets = {code: inner.__class__(attrs=dict(inner.attrs)) for code in content_languages()}
        widgets[EXTRA_KEY] = forms.HiddenInput()
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value or {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = {settings.LANGUAGE_CODE: value}
        others = _other_languages(value)
        return [value.get(code, "") for code in content_languages()] + [json.dumps(others, ensure_ascii=False) if others else ""]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        names = settings.LANGUAGE_NAMES_NATIVE  # each language named in itself, as its lang attribute says
        filled = []
        for code, sub in zip(content_languages(), context["widget"]["subwidgets"], strict=False):
            sub["lang_code"] = code
            sub["lang_name"] = names[code]
            sub["attrs"]["lang"] = code  # spelling and screen readers follow the text's language
            if str(sub.get("value") or "").strip():
                filled.append(code)
        context["widget"]["active_lang"] = (translation.get_language() or "en").split("-")[0]
        context["widget"]["filled"] = filled
        context["widget"]["languages"] = [(code, names[code]) for code in content_languages()]
        return context


class TranslatedFormField(forms.MultiValueField):
    """Several language inputs for one text; 'required' means at least one language is filled."""

    def __init__(self, multiline=False, max_length=None, required=True, **kwargs):
        kwargs.pop("max_length", None)
        self.max_length = max_length
        fields = [forms.CharField(required=False, max_length=max_length) for _ in content_languages()]
        fields.append(forms.CharField(required=False))
        super().__init__(
            fields=fields,
            widget=TranslatedWidget(multiline=multiline),
            require_all_fields=False,
            required=required,
            **kwargs,
        )

    def compress(self, data_list):
        data_list = list(data_list or [])
        codes = content_languages()
        result = clean_translations(dict(zip(codes, data_list[: len(codes)], strict=False)))
        extra = data_list[len(codes)] if len(data_list) > len(codes) else ""
        if extra:
            try:
                others = _other_languages(json.loads(extra))
            except (ValueError, TypeError, AttributeError):
                others = {}
            if any(_UNSTORABLE.search(text) for text in others.values()):
                # JSON escapes (\u0000, \ud800) smuggle what the form's own fields refuse; no database stores them.
                raise ValidationError(_("This text holds characters that cannot be stored (NUL or a broken "
                                        "surrogate pair)."), code="unstorable")
            for key, text in others.items():
                result.setdefault(key, text.strip()[: self.max_length or 10000])
        return result

    def clean(self, value):
        result = super().clean(value)
        if self.required and not {k: v for k, v in result.items() if k in content_languages()}:
            raise ValidationError(_("Write this text in at least one language."), code="required")
        return result

"""Every edit form, resubmitted unchanged in each UI language, changes nothing.

The test behaves as a browser does: it reads the page in the given language, takes each form control's value as
the browser would show it (an ``<input type="date">`` whose value is not ``YYYY-MM-DD`` is shown empty, and so
sent empty, by the HTML value-sanitisation rules), posts the form back and compares the object's values and its
audit trail before and after. A French page that wrote ``18/01/2027`` into a date input lost the date this way.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from pontis.core.models import AuditEvent, Country, Language

pytestmark = pytest.mark.django_db

LANGS = ["en", "fr", "es", "pt", "ru"]
START = datetime.date(2027, 1, 18)  # a day whose number cannot be read as a month: 18/01 is never 2027-18-01


# ---------------------------------------------------------------- reading a form as a browser does


def _sanitised(input_type: str, value: str) -> str:
    """The HTML standard's value sanitisation: what the browser keeps (and later submits) for ``value``."""
    if input_type == "date":
        return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else ""
    if input_type == "number":
        return value if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value) else ""
    if input_type == "datetime-local":
        return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?", value) else ""
    return value


class _Forms(HTMLParser):
    """Collects each ``<form>``: its ``action`` and the (name, value) pairs a plain submit would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": [], "buttons": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
            elif kind == "submit":
                self._form["buttons"].append((name, a.get("value", "")))
            elif kind not in ("file", "button", "reset", "image"):
                self._form["fields"].append((name, _sanitised(kind, a.get("value", ""))))
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            self._form["buttons"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self._select["multiple"] and options:
                chosen = options[:1]  # a single select always sends its first option when none is selected
            for o in chosen:
                self._form["fields"].append((self._select["name"], o["value"] if o["value"] is not None else o["text"].strip()))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            self._form["fields"].append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def _post_data(html: str, *, action: str, marker: str, button: tuple[str, str] | None) -> dict[str, list[str]]:
    parser = _Forms()
    parser.feed(html)
    found = [f for f in parser.forms if f["action"] in action and any(name == marker for name, _v in f["fields"])]
    assert len(found) == 1, f"expected one form posting to {action!r} with a {marker!r} field, found {len(found)}"
    data: dict[str, list[str]] = {}
    for name, value in found[0]["fields"] + ([button] if button else []):
        data.setdefault(name, []).append(value)
    return data


# ---------------------------------------------------------------- the edit forms of the product


def _values(obj, *, m2m=(), extra: Callable | None = None) -> dict:
    obj.refresh_from_db()
    values = model_to_dict(obj, exclude=["updated_at", "password", "last_login"])
    for name in m2m:
        values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    if extra:
        values.update(extra(obj))
    return {k: (v.name if isinstance(v, FieldFile) else v) for k, v in values.items()}


@dataclass
class EditForm:
    """One edit page: who opens it, where it is, where it posts, and how to read the object it changes."""

    name: str
    build: Callable  # (fixtures) -> (user, obj, page_url, post_url)
    marker: str  # a field that only this form of the page has
    snapshot: Callable  # obj -> dict of values
    button: tuple[str, str] | None = None


def _activity(f):
    from pontis.actions.models import Activity
    from pontis.actions.tests.factories import agreed_action
    from pontis.core.models import ActivityType

    action = agreed_action(f["officer"], f["focal_point"], f["institution"])
    activity = Activity.objects.create(
        action=action, sequence=9, type=ActivityType.objects.get(code="workshop"), title={"en": "Border workshop", "fr": "Atelier"},
        start_date=START, end_date=START + datetime.timedelta(days=2), place="Lima", country=Country.objects.get(code="PE"),
        expected_participants=25, expert_profile="A border-management expert")
    activity.languages.set(Language.objects.filter(code__in=["es", "en"]))
    return (f["officer"], activity, reverse("actions:activity", args=[action.code, activity.pk]),
            reverse("actions:activity_edit", args=[action.code, activity.pk]))


def _fiche(f):
    from pontis.actions import services
    from pontis.actions.tests.factories import fiche_content, make_action

    action = make_action(f["officer"], focal_point=f["focal_point"], institution=f["institution"])
    draft = services.current_draft(action)
    content = fiche_content(n_activities=2, start=START)
    content["activities"][0].update({"language": "fr", "participants": 20, "online": True})
    services.fiche_save(version=draft, by=f["officer"], content=content)
    url = reverse("actions:fiche", args=[action.code]) + f"?v={draft.number}"
    return f["officer"], draft, url, url


def _action_goals(f):
    from pontis.actions.tests.factories import make_action
    from pontis.core.models import GCMObjective, SDGTarget

    action = make_action(f["officer"], focal_point=f["focal_point"], institution=f["institution"])
    action.sdg_targets.set(SDGTarget.objects.order_by("code")[:2])
    action.gcm_objectives.set(GCMObjective.objects.order_by("number")[:3])
    url = reverse("actions:goals", args=[action.code])
    return f["officer"], action, url, url


def _request_draft(f):
    from pontis.intake import services
    from pontis.intake.tests.conftest import complete_data

    obj = services.request_save_draft(by=f["focal_point"], data=complete_data(f["institution"]))
    return f["focal_point"], obj, reverse("intake:edit", args=[obj.pk]), reverse("intake:edit", args=[obj.pk])


def _expert_profile(f):
    from pontis.experts.tests.factories import make_profile

    profile = make_profile(themes=("irregular_thb",), countries=("PE", "MX"), languages=(("es", "C2"), ("en", "B2")),
                           years_experience=12, biography="Twenty years at the border.", institution_name="Ministerio")
    return f["officer"], profile, reverse("experts:edit", args=[profile.pk]), reverse("experts:edit", args=[profile.pk])


def _institution(f):
    inst = f["institution"]
    return f["officer"], inst, reverse("accounts:institution_edit", args=[inst.pk]), reverse("accounts:institution_edit", args=[inst.pk])


def _own_profile(f):
    user = f["officer"]
    user.position = "Programme officer"
    user.save()
    return user, user, reverse("accounts:profile"), reverse("accounts:profile")


def _action_owner(f):
    from pontis.actions import services
    from pontis.actions.tests.factories import make_action

    action = make_action(f["officer"], focal_point=f["focal_point"], institution=f["institution"])
    services.action_assign_owner(action=action, owner=f["officer"], by=f["officer"])
    url = reverse("actions:owner", args=[action.code])
    return f["officer"], action, url, url


def _action_partner(f):
    from pontis.actions import services
    from pontis.actions.tests.factories import make_action
    from tests.factories import user_with_role

    action = make_action(f["officer"], focal_point=f["focal_point"], institution=f["institution"])
    partner = action.partners.get()
    strategic = user_with_role("focal_point", institution=f["institution"])
    services.partner_change(partner=partner, by=f["officer"], operational_focal_point=f["focal_point"],
                            strategic_focal_point=strategic)
    return f["officer"], partner, reverse("actions:detail", args=[action.code]), \
        reverse("actions:partner_change", args=[action.code, partner.pk])


def _expert_languages(profile):
    return {"languages": sorted((el.language.code, el.level) for el in profile.languages.select_related("language"))}


EDIT_FORMS = [
    EditForm("activity", _activity, "start_date", lambda o: _values(o, m2m=["languages"])),
    EditForm("fiche", _fiche, "row_count", lambda o: _values(o)),
    EditForm("action goals", _action_goals, "gcm_objectives", lambda o: _values(o, m2m=["sdg_targets", "gcm_objectives"])),
    EditForm("request draft", _request_draft, "problem",
             lambda o: _values(o, m2m=["institutions", "countries", "themes", "topics"]), button=("intent", "save")),
    EditForm("expert profile", _expert_profile, "biography",
             lambda o: _values(o, m2m=["themes", "topics", "countries_experience", "regions_experience"], extra=_expert_languages)),
    EditForm("institution", _institution, "acronym", lambda o: _values(o)),
    EditForm("own profile", _own_profile, "given_name", lambda o: _values(o, m2m=["groups", "user_permissions"])),
    EditForm("action owner", _action_owner, "owner", lambda o: _values(o)),
    EditForm("action partner focal points", _action_partner, "strategic_focal_point", lambda o: _values(o)),
]


@pytest.fixture(autouse=True)
def _language_restored():
    """The pages read here activate their language in this thread; later tests start in English again."""
    with translation.override("en"):
        yield


@pytest.fixture
def fixtures(officer, focal_point, institution):
    return {"officer": officer, "focal_point": focal_point, "institution": institution}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("form", EDIT_FORMS, ids=lambda f: f.name)
def test_resubmitting_an_edit_form_unchanged_changes_nothing(client, fixtures, form, lang):
    # Given an object with every field filled, and its edit page read in ``lang``
    user, obj, page_url, post_url = form.build(fixtures)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    before = form.snapshot(obj)
    updates = AuditEvent.objects.for_object(obj).filter(action=AuditEvent.Action.UPDATE).count()
    page = client.get(page_url)
    assert page.status_code == 200
    assert page.headers["Content-Language"] == lang
    data = _post_data(page.content.decode(), action=post_url, marker=form.marker, button=form.button)

    # When the form is sent back as the browser shows it
    response = client.post(post_url, data)

    # Then the object is unchanged and the history records no change
    assert response.status_code in (200, 302)
    assert form.snapshot(obj) == before
    assert AuditEvent.objects.for_object(obj).filter(action=AuditEvent.Action.UPDATE).count() == updates


def test_the_date_input_writes_iso_in_every_language(client, fixtures):
    """The mechanism itself: the activity page in Russian carries ``2027-01-18``, never ``18.01.2027``."""
    user, _activity_obj, page_url, _post = _activity(fixtures)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get(page_url).content.decode()
    assert 'type="date" name="start_date" value="2027-01-18"' in html
    assert "18.01.2027" not in html


def test_a_date_typed_in_the_language_format_is_still_read():
    from pontis.core.forms import DateField

    with translation.override("fr"):
        assert DateField().clean("18/01/2027") == START
        assert DateField().clean("2027-01-18") == START
    with translation.override("ru"):
        assert DateField().clean("18.01.2027") == START


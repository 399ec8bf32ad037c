"""Importing Actions from an existing facility's spreadsheet (``manage.py import_actions``).

Rows are validated first (``parse_row``), then written (``action_import``) inside one transaction.
The command is an operator's tool: it runs without a signed-in person, so it checks no role; every
Action it creates or changes gets an audit row noted "import".
"""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.utils.translation import gettext as _

from pontis.accounts.models import Institution
from pontis.accounts.services import institution_create
from pontis.core import audit, vocabulary
from pontis.core.models import AuthorityType, Country, Region, ThematicArea

from ..models import Action, ActionPartner, FicheVersion
from .actions import next_action_code, region_for, title_for  # noqa: F401  (next_action_code re-exported)

COLUMNS = ["code", "title", "countries", "region", "thematic_areas", "status", "start_date", "end_date", "partner_institution"]
REQUIRED = ["code", "countries", "thematic_areas", "status"]
CODE_RE = re.compile(r"^\d{4}-\d{2,3}$")


def _split(value) -> list[str]:
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def _date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(_("%(field)s “%(value)s” is not a date (YYYY-MM-DD)") % {"field": field, "value": value})
        return None


def import_lookups() -> dict:
    """The vocabularies of the coded columns: each takes the code or the label in any UI language."""
    return {
        "countries": vocabulary.countries(Country.objects.select_related("region")),
        "regions": vocabulary.reference(Region.objects.all(), _("region")),
        "themes": vocabulary.reference(ThematicArea.objects.all(), _("thematic area")),
        "statuses": vocabulary.choices(_("status"), Action.Status.choices),
    }


def _coded(vocab, text, errors):
    try:
        return vocab.resolve(text)
    except vocabulary.Unknown as exc:
        errors.append(exc.message)
        return None


def parse_row(raw: dict, *, countries, regions, themes, statuses) -> tuple[dict | None, list[str]]:
    """Validate one row against the vocabularies of ``import_lookups()``; answer (clean data, []) or (None, [messages])."""
    errors: list[str] = []
    row = {k: (raw.get(k) if raw.get(k) is not None else "") for k in COLUMNS}
    for key in REQUIRED:
        if not str(row[key]).strip():
            errors.append(_("%(field)s is required") % {"field": key})
    code = str(row["code"]).strip()
    if code and not CODE_RE.match(code):
        errors.append(_("code “%(code)s” is not YYYY-NN") % {"code": code})
    country_objs = [c for c in (_coded(countries, c, errors) for c in _split(row["countries"])) if c is not None]
    theme_objs = [t for t in (_coded(themes, t, errors) for t in _split(row["thematic_areas"])) if t is not None]
    region = _coded(regions, row["region"], errors) if str(row["region"]).strip() else None
    status = _coded(statuses, row["status"], errors) if str(row["status"]).strip() else ""
    start = _date(row["start_date"], "start_date", errors)
    end = _date(row["end_date"], "end_date", errors)
    if start and end and end < start:
        errors.append(_("end_date is before start_date"))
    if errors:
        return None, errors
    return {
        "code": code, "title": str(row["title"]).strip(), "countries": country_objs, "region": region,
        "themes": theme_objs, "status": status, "start_date": start, "end_date": end,
        "partners": _split(row["partner_institution"]),
    }, []


def _institution(label: str, countries: list[Country]):
    """Find a partner by acronym (in the Action's countries first) or English name; create it when unknown."""
    match = re.match(r"^(?P<name>.+?)\s*\((?P<acr>[^()]+)\)$", label)
    name, acronym = (match["name"], match["acr"].strip()) if match else (label, label if len(label) <= 20 and " " not in label else "")
    qs = Institution.objects.all()
    if acronym:
        found = qs.filter(acronym__iexact=acronym, country__in=countries).first() or qs.filter(acronym__iexact=acronym).first()
        if found:
            return found, False
    found = qs.filter(name__en=name).first()
    if found:
        return found, False
    kind = AuthorityType.objects.filter(code="regional_organisation" if len(countries) > 1 else "national_government").first()
    return institution_create(name={"en": name}, acronym=acronym[:40], type=kind,
                              country=countries[0] if len(countries) == 1 else None), True


@transaction.atomic
def action_import(*, data: dict, by=None) -> tuple[Action, bool, list[str]]:
    """Create or update the Action with ``data["code"]`` (idempotent by code). Answers (action, created, notes)."""
    notes = []
    action = Action.objects.filter(code=data["code"]).first()
    created = action is None
    lead = data["countries"][0]
    region = data["region"] or region_for(data["countries"]) or None
    title = {"en": data["title"]} if data["title"] else None
    if created:
        action = Action.objects.create(code=data["code"], title=title or title_for(lead), lead_country=lead, region=region,
                                       status=data["status"], start_date=data["start_date"], end_date=data["end_date"],
                                       requested_on=None)
        FicheVersion.objects.create(action=action, number=1, content={"activities": []},
                                    status=FicheVersion.Status.DRAFT if data["status"] == Action.Status.DESIGN else FicheVersion.Status.AGREED)
        audit.record_create(action, by=by, note="import")
    else:
        before = audit.snapshot(action)
        action.title = title or action.title
        action.lead_country, action.region, action.status = lead, region, data["status"]
        action.start_date, action.end_date = data["start_date"], data["end_date"]
        action.save()
    action.countries.set(data["countries"])
    action.themes.set(data["themes"])
    for label in data["partners"]:
        institution, made = _institution(label, data["countries"])
        if made:
            notes.append(_("created institution “%(i)s”") % {"i": label})
        ActionPartner.objects.get_or_create(action=action, institution=institution)
    if not created:
        audit.record_update(action, by=by, before=before, note="import")
    return action, created, notes

"""Eligibility: who may ask the facility for support, with the reason shown to staff.

Each check is stored as ``{"ok": bool, "code": str, "subject": str, "detail": str}`` so the page can say it in
the reader's language later (``eligibility_messages``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pontis.core.models import AuthorityType, Country


def eligibility_checks(request) -> list[dict]:
    checks: list[dict] = []
    countries = list(request.countries.prefetch_related("instruments").all())
    institutions = list(request.institutions.select_related("type", "country").all())
    if not countries:
        checks.append({"ok": False, "code": "no_country", "subject": "", "detail": ""})
    for country in countries:
        instruments = sorted(i.code for i in country.instruments.all())
        if instruments:
            checks.append({"ok": True, "code": "country_instrument", "subject": country.code, "detail": ", ".join(instruments)})
        elif country.graduated:
            checks.append({"ok": True, "code": "country_graduated", "subject": country.code, "detail": ""})
        else:
            checks.append({"ok": False, "code": "country_not_covered", "subject": country.code, "detail": ""})
    if not institutions:
        checks.append({"ok": False, "code": "no_institution", "subject": "", "detail": ""})
    for institution in institutions:
        code = "institution_type_allowed" if institution.type.may_request else "institution_type_refused"
        checks.append({"ok": institution.type.may_request, "code": code, "subject": str(institution),
                       "detail": institution.type.code})
    return checks


def is_eligible(checks: list[dict]) -> bool:
    return bool(checks) and all(c["ok"] for c in checks)


def eligibility_messages(request) -> list[tuple[bool, str]]:
    """(ok, sentence) pairs in the active language, for the screening page and the API."""
    # The names come from the request's own countries and institutions' types (loaded with the request on its page
    # and in the API); only what the request no longer names (the checks were made at submission) is read.
    codes = {c["subject"] for c in request.eligibility if c["code"].startswith("country")}
    names = {c.code: str(c) for c in request.countries.all() if c.code in codes}
    if codes - names.keys():
        names.update((c.code, str(c)) for c in Country.objects.filter(code__in=codes - names.keys()))
    type_codes = {c["detail"] for c in request.eligibility if c["code"].startswith("institution_type")}
    types = {i.type.code: str(i.type) for i in request.institutions.all() if i.type.code in type_codes}
    if type_codes - types.keys():
        types.update((t.code, str(t)) for t in AuthorityType.objects.filter(code__in=type_codes - types.keys()))
    out = []
    for c in request.eligibility:
        subject = names.get(c["subject"], c["subject"])
        if c["code"] == "country_instrument":
            text = _("%(country)s is covered by a cooperation instrument (%(instruments)s).") % {"country": subject, "instruments": c["detail"]}
        elif c["code"] == "country_graduated":
            text = _("%(country)s has graduated from bilateral cooperation and may still request support.") % {"country": subject}
        elif c["code"] == "country_not_covered":
            text = _("%(country)s is not covered by any cooperation instrument.") % {"country": subject}
        elif c["code"] == "no_country":
            text = _("No country is given.")
        elif c["code"] == "no_institution":
            text = _("No requesting institution is given.")
        elif c["code"] == "institution_type_allowed":
            text = _("%(institution)s is of a type that may request support (%(type)s).") % {"institution": subject, "type": types.get(c["detail"], c["detail"])}
        elif c["code"] == "institution_type_refused":
            text = _("%(institution)s is of a type that may not request support (%(type)s).") % {"institution": subject, "type": types.get(c["detail"], c["detail"])}
        else:  # pragma: no cover - codes above are the only ones written
            text = c["code"]
        out.append((bool(c["ok"]), text))
    return out

"""The EU Delegation in the partner country: asked for its opinion at screening, and told when a request
concerning its country is approved.

Staff ask (``delegation_consult``), the Delegation answers once (``delegation_opinion_give``); staff and the
committee read the opinion on the request's page. Each step locks its row, checks permission (NotAllowed), the
state (IllegalTransition) and the input (ValidationFailed) before it writes, audits and notifies.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.accounts.selectors import delegation_people
from pontis.core import audit
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.following import news_audience
from pontis.core.notifications import notify
from pontis.core.permissions import ensure

from ..models import DelegationConsultation, Request

MAX_TEXT = 10000


def _params(request: Request) -> dict:
    """What every news item about the request carries (worded at read time, see intake/news.py)."""
    return {"request": request.pk, "title": dict(request.title or {})}


def _text(value, *, field: str, required_message=None) -> str:
    text = (value or "").strip()
    if required_message is not None and not text:
        raise ValidationFailed(required_message, field=field, errors={field: [required_message]})
    if len(text) > MAX_TEXT:
        message = _("At most %(n)d characters.") % {"n": MAX_TEXT}
        raise ValidationFailed(message, field=field, errors={field: [message]})
    return text


def open_consultation(request: Request, country) -> DelegationConsultation | None:
    return DelegationConsultation.objects.filter(request=request, country=country, answered_at__isnull=True).first()


@transaction.atomic
def delegation_consult(*, request: Request, by, country=None, question: str = "") -> DelegationConsultation:
    """Ask the EU Delegation of one of the request's countries for its opinion; its people are notified.

    ``country`` may be left out when the request names one country. One open consultation per request and country:
    asking again before the answer raises IllegalTransition (a double click asks once).
    Raises NotAllowed (not staff, or the request is not open), ValidationFailed (no such country on the request, no
    Delegation account for it, question too long), IllegalTransition (already asked and not yet answered).
    """
    request = Request.objects.select_for_update().get(pk=request.pk)
    ensure(by, "consult_delegation", request)
    countries = list(request.countries.all())
    if country is None and len(countries) == 1:
        country = countries[0]
    if country is None or country.pk not in {c.pk for c in countries}:
        message = _("Choose one of the request's countries.")
        raise ValidationFailed(message, field="country", errors={"country": [message]})
    question = _text(question, field="question")
    people = delegation_people([country.pk])
    if not people:
        message = _("No EU Delegation account covers %(country)s yet: ask an administrator to add one.") % {
            "country": country}
        raise ValidationFailed(message, field="country", errors={"country": [message]})
    if open_consultation(request, country) is not None:
        raise IllegalTransition(_("The EU Delegation has already been asked; its opinion is awaited."),
                                code="consultation_open")
    consultation = DelegationConsultation.objects.create(request=request, country=country, question=question,
                                                         requested_by=by)
    audit.record_create(consultation, by=by)
    notify(recipients=people, event="intake.delegation_consulted",
           params={**_params(request), "country": country.name, "question": question[:500]}, target=request,
           url=reverse("intake:opinion", args=[consultation.pk]), dedupe_key=f"delegation-consulted-{consultation.pk}")
    return consultation


@transaction.atomic
def delegation_opinion_give(*, consultation: DelegationConsultation, by, opinion: str) -> DelegationConsultation:
    """The Delegation records its opinion, once; the officer who asked and the request's staff audience (its owner
    and followers, see ``pontis.core.following``) are notified.

    Raises NotAllowed (not the Delegation of that country), IllegalTransition (already answered),
    ValidationFailed (empty or too long).
    """
    consultation = DelegationConsultation.objects.select_for_update().select_related("request").get(pk=consultation.pk)
    ensure(by, "answer", consultation)
    if not consultation.is_open:
        raise IllegalTransition(_("The opinion has already been given."), code="consultation_answered")
    opinion = _text(opinion, field="opinion", required_message=_("Write the Delegation's opinion."))
    with audit.tracking(consultation, by=by):
        consultation.opinion = opinion
        consultation.answered_by = by
        consultation.answered_at = timezone.now()
        consultation.save()
    request = consultation.request
    country = request.countries.select_related("region__coordinator").first()
    staff = news_audience(request, owner=request.owner, region=country.region if country else None)
    notify(recipients=[consultation.requested_by, *staff], event="intake.delegation_opinion_given",
           params={**_params(request), "country": consultation.country.name, "opinion": opinion[:500]}, target=request,
           url=reverse("intake:detail", args=[request.pk]), dedupe_key=f"delegation-opinion-{consultation.pk}")
    return consultation


def delegation_inform_approved(request: Request) -> None:
    """Tell the Delegations of the request's countries that the committee approved it (called by the approval)."""
    countries = list(request.countries.all())
    people = delegation_people([c.pk for c in countries])
    if not people:
        return
    notify(recipients=people, event="intake.request_approved_for_delegation",
           params={**_params(request), "countries": [c.name for c in countries]}, target=request,
           url=reverse("intake:detail", args=[request.pk]), dedupe_key=f"delegation-approved-{request.pk}")

"""Every write to standing panels: the panel, its member countries and delegates, the yearly work programme and its
topics, and member countries' offers to host a topic's meeting.

Conventions (STYLE.md): keyword-only, atomic, permission checked with ``ensure`` (``by=None`` is the system: the
demo loader), validated before anything is written, one audit row per change, statuses moved by ``transition``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.i18n import clean_translations
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.workflow import transition

from ..models import (
    AccessLevel,
    HostOffer,
    Meeting,
    Panel,
    PanelDelegate,
    PanelMember,
    WorkProgramme,
    WorkProgrammeTopic,
)
from .meetings import meeting_update


def _check(by, action, obj):
    if by is not None:
        ensure(by, action, obj)


# ---------------------------------------------------------------- panels, members, delegates


@transaction.atomic
def panel_create(*, by, slug: str, name: dict, description: dict | None = None, region=None,
                 access: str = AccessLevel.PUBLIC, key: str | None = None) -> Panel:
    """Create a panel. The short name is its natural key (``Conflict`` if taken); a double-submitted form answers
    the panel the first submission made. Raises ``NotAllowed`` for anyone but staff, ``ValidationFailed``."""
    _check(by, "create", Panel)
    claim = creation_claim(scope="events.panel", key=key, by=by)
    if claim.existing is not None:
        return claim.existing
    slug = (slug or "").strip().lower()
    name = clean_translations(name)
    errors = {}
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = _("Use only letters, numbers, hyphens and underscores in the short name.")
    if not name:
        errors["name"] = _("Write the name in at least one language.")
    if access not in AccessLevel.values:
        errors["access"] = _("Choose who may see the panel.")
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first], errors=errors, field=first)
    if Panel.objects.filter(slug=slug).exists():
        raise Conflict(_("A panel with this short name already exists."), field="slug")
    panel = Panel.objects.create(slug=slug, name=name, description=clean_translations(description), region=region,
                                 access=access)
    audit.record_create(panel, by=by)
    return claim.fulfil(panel)


@transaction.atomic
def panel_update(*, panel: Panel, by, name: dict, description: dict | None = None, region=None,
                 is_active: bool = True) -> Panel:
    """Change a panel's name, description, region and whether it is active (who may see it: the protection
    service ``panel_set_access``). Raises ``NotAllowed`` or ``ValidationFailed`` (nothing saved)."""
    _check(by, "change", panel)
    name = clean_translations(name)
    if not name:
        raise ValidationFailed(_("Write the name in at least one language."), field="name")
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    before = audit.snapshot(panel)
    panel.name, panel.description, panel.region, panel.is_active = name, clean_translations(description), region, \
        bool(is_active)
    panel.save()
    audit.record_update(panel, by=by, before=before)
    return panel


@transaction.atomic
def panel_member_add(*, panel: Panel, country, by, joined_on=None) -> PanelMember:
    """Add a member country; adding one already a member answers the existing membership (nothing new)."""
    _check(by, "change", panel)
    if country is None:
        raise ValidationFailed(_("Choose a country."), field="country")
    existing = PanelMember.objects.filter(panel=panel, country=country).first()
    if existing is not None:
        return existing
    member = PanelMember.objects.create(panel=panel, country=country, joined_on=joined_on)
    audit.record_create(member, by=by)
    return member


@transaction.atomic
def panel_member_remove(*, member: PanelMember, by) -> None:
    """Remove a member country and deactivate its delegates. Its past host offers stay (history).
    Raises ``NotAllowed``."""
    _check(by, "change", member.panel)
    for delegate in PanelDelegate.objects.select_for_update().filter(panel_id=member.panel_id, country_id=member.country_id,
                                                                     is_active=True):
        before = audit.snapshot(delegate)
        delegate.is_active = False
        delegate.save(update_fields=["is_active"])
        audit.record_update(delegate, by=by, before=before)
    audit.record_delete(member, by=by)
    member.delete()


@transaction.atomic
def delegate_add(*, panel: Panel, by, country, name: str, institution: str = "", email: str = "", user=None,
                 role: str = PanelDelegate.Role.DELEGATE) -> PanelDelegate:
    """Add a delegate of a member country (an account is optional: with one, they see members' pages and may offer
    to host). Raises ``NotAllowed``; ``ValidationFailed`` for a country that is not a member, a missing name or an
    unknown role; ``Conflict`` if the account already represents a country on this panel."""
    _check(by, "change", panel)
    name = (name or "").strip()
    errors = {}
    if country is None or not PanelMember.objects.filter(panel=panel, country=country).exists():
        errors["country"] = _("Choose one of the panel's member countries.")
    if not name:
        errors["name"] = _("Give the delegate's name.")
    if role not in PanelDelegate.Role.values:
        errors["role"] = _("Choose a role.")
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first], errors=errors, field=first)
    if user is not None:
        taken = PanelDelegate.objects.filter(panel=panel, user=user).first()
        if taken is not None:
            if taken.is_active or taken.country_id != country.pk:
                raise Conflict(_("This account already represents a country on this panel."), field="user")
            before = audit.snapshot(taken)
            taken.is_active, taken.name, taken.institution, taken.email, taken.role = True, name[:200], \
                (institution or "").strip()[:300], (email or "").strip(), role
            taken.save()
            audit.record_update(taken, by=by, before=before)
            return taken
    delegate = PanelDelegate.objects.create(panel=panel, country=country, user=user, name=name[:200],
                                            institution=(institution or "").strip()[:300], email=(email or "").strip(),
                                            role=role)
    audit.record_create(delegate, by=by)
    return delegate


@transaction.atomic
def delegate_remove(*, delegate: PanelDelegate, by) -> PanelDelegate:
    """Remove a delegate from the panel (kept, inactive, for the record: their offers stay). Raises ``NotAllowed``."""
    _check(by, "change", delegate.panel)
    delegate = PanelDelegate.objects.select_for_update().get(pk=delegate.pk)
    if not delegate.is_active:
        return delegate
    before = audit.snapshot(delegate)
    delegate.is_active = False
    delegate.save(update_fields=["is_active"])
    audit.record_update(delegate, by=by, before=before)
    return delegate


# ---------------------------------------------------------------- work programmes


@transaction.atomic
def programme_create(*, panel: Panel, by, year: int, topics: list, notes: dict | None = None,
                     presented_at: Meeting | None = None, key: str | None = None) -> WorkProgramme:
    """Create the draft work programme of ``year`` with its topics in the given order (each a dict of languages).

    Raises ``NotAllowed``; ``ValidationFailed`` for a year out of range or no topic; ``Conflict`` if the panel
    already has a programme for that year. A double submit answers the programme the first one made."""
    _check(by, "create", WorkProgramme)
    claim = creation_claim(scope="events.work_programme", key=key, by=by)
    if claim.existing is not None:
        return claim.existing
    titles = [clean_translations(t) for t in topics or []]
    titles = [t for t in titles if t]
    if not isinstance(year, int) or not 1990 <= year <= 2200:
        raise ValidationFailed(_("Give the year of the programme."), field="year")
    if not titles:
        raise ValidationFailed(_("Give at least one topic."), field="topics")
    if WorkProgramme.objects.filter(panel=panel, year=year).exists():
        raise Conflict(_("The panel already has a work programme for this year."), field="year")
    programme = WorkProgramme.objects.create(panel=panel, year=year, notes=clean_translations(notes),
                                             presented_at=presented_at)
    audit.record_create(programme, by=by)
    for order, title in enumerate(titles, start=1):
        topic = WorkProgrammeTopic.objects.create(programme=programme, order=order, title=title)
        audit.record_create(topic, by=by)
    return claim.fulfil(programme)


@transaction.atomic
def programme_adopt(*, programme: WorkProgramme, by) -> WorkProgramme:
    """Adopt a draft programme (final: it cannot go back to draft). Raises ``NotAllowed``, ``IllegalTransition``."""
    _check(by, "adopt", programme)
    programme = WorkProgramme.objects.select_for_update().get(pk=programme.pk)
    return transition(programme, to=WorkProgramme.Status.ADOPTED, by=by)


@transaction.atomic
def topic_link_meeting(*, topic: WorkProgrammeTopic, meeting: Meeting, by) -> WorkProgrammeTopic:
    """Record that ``meeting`` takes the topic up: the topic points to it, the meeting joins the panel, and the
    countries whose offers to host are confirmed become the meeting's host countries (through the meeting service,
    so its audit row and calendar sequence follow). Raises ``NotAllowed``; ``ValidationFailed`` for a meeting of
    another panel."""
    _check(by, "change", topic)
    panel_id = topic.programme.panel_id
    if meeting.panel_id not in (None, panel_id):
        raise ValidationFailed(_("This meeting belongs to another panel."), field="meeting")
    topic = WorkProgrammeTopic.objects.select_for_update().get(pk=topic.pk)
    before = audit.snapshot(topic)
    topic.meeting = meeting
    topic.save(update_fields=["meeting"])
    audit.record_update(topic, by=by, before=before)
    changes = {}
    if meeting.panel_id is None:
        changes["panel"] = topic.programme.panel
    hosts = list(topic.host_offers.filter(status=HostOffer.Status.CONFIRMED).values_list("country_id", flat=True))
    if hosts:
        changes["host_countries"] = hosts
    if changes:
        meeting_update(meeting=meeting, by=by, **changes)
    return topic


# ---------------------------------------------------------------- host offers


@transaction.atomic
def host_offer_create(*, topic: WorkProgrammeTopic, country, by, note: str = "") -> HostOffer:
    """Offer, for a member country, to host the meeting on ``topic``. A delegate may offer for their own country
    only; staff for any member country. Offering again while an offer stands answers the standing offer (a double
    submit makes one). Raises ``NotAllowed`` (nothing written), ``ValidationFailed`` for a country that is not a
    member, ``IllegalTransition`` for an adopted topic's offer that was declined or withdrawn."""
    offer = HostOffer(topic=topic, country=country, offered_by=by, note=(note or "").strip()[:2000])
    _check(by, "create", offer)
    panel_id = topic.programme.panel_id
    if country is None or not PanelMember.objects.filter(panel_id=panel_id, country=country).exists():
        raise ValidationFailed(_("Only a member country of the panel may offer to host."), field="country")
    existing = HostOffer.objects.select_for_update().filter(topic=topic, country=country).first()
    if existing is not None:
        if existing.status in (HostOffer.Status.OFFERED, HostOffer.Status.CONFIRMED):
            return existing
        raise IllegalTransition(_("This country's offer for this topic was already decided; staff can help."))
    offer.save()
    audit.record_create(offer, by=by)
    return offer


def _decide(offer: HostOffer, *, to: str, by, verb: str) -> HostOffer:
    _check(by, verb, offer)
    offer = HostOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == to:
        return offer  # a repeated click: already done
    return transition(offer, to=to, by=by, decided_by=by, decided_at=timezone.now())


@transaction.atomic
def host_offer_confirm(*, offer: HostOffer, by) -> HostOffer:
    """Confirm a country as (co-)host of the topic's meeting; several may be. If the meeting is already linked, the
    country joins its host countries. Raises ``NotAllowed``, ``IllegalTransition``."""
    offer = _decide(offer, to=HostOffer.Status.CONFIRMED, by=by, verb="decide")
    meeting = offer.topic.meeting
    if meeting is not None and not meeting.host_countries.filter(pk=offer.country_id).exists():
        hosts = list(meeting.host_countries.values_list("pk", flat=True)) + [offer.country_id]
        meeting_update(meeting=meeting, by=by, host_countries=hosts)
    return offer


@transaction.atomic
def host_offer_decline(*, offer: HostOffer, by) -> HostOffer:
    """Decline an offer (final). Raises ``NotAllowed``, ``IllegalTransition``."""
    return _decide(offer, to=HostOffer.Status.DECLINED, by=by, verb="decide")


@transaction.atomic
def host_offer_withdraw(*, offer: HostOffer, by) -> HostOffer:
    """Withdraw an offer (the country's delegate or staff; final). Raises ``NotAllowed``, ``IllegalTransition``."""
    return _decide(offer, to=HostOffer.Status.WITHDRAWN, by=by, verb="withdraw")

"""Reads of meeting materials, always through the protection rules (``events.protection``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from ..models import Material, Meeting
from ..models.access import RestrictedDisplay
from ..protection import Visitor
from .meeting_statements import kept_rows

_RELATED = ("session", "contribution", "contribution__session")


def materials_visible_to(user, meeting: Meeting, registration_ids=()):
    """The materials of ``meeting`` this visitor may open, in agenda order (one query; staff get all of them).

    The meeting itself is not checked here beyond what a material needs: callers fetch the meeting through
    ``MeetingPolicy`` first. A restricted material is simply absent."""
    who = Visitor(user, registration_ids)
    return (Material.objects.filter(meeting=meeting).filter(who.material_q())
            .select_related(*_RELATED).order_by("session__day", "session__order", "contribution__order",
                                                "uploaded_at", "id"))


def materials_open_to(user, registration_ids=()):
    """Every material this visitor may open, across meetings (search, API)."""
    return Material.objects.filter(Visitor(user, registration_ids).material_q()).select_related("meeting")


# What the page shows of a material and decides with (its level), and of its session and contribution their
# names (``str()``): the texts, files and audit fields of each row are not read.
_PAGE_FIELDS = ("id", "meeting", "session", "contribution", "kind", "title", "original_name", "size", "access",
                "access_roles", "session__id", "session__number", "session__title", "contribution__id",
                "contribution__speaker_name", "contribution__title", "contribution__session",
                "contribution__session__id", "contribution__session__number", "contribution__session__title")


def _page_materials(meeting):
    return (Material.objects.filter(meeting=meeting).select_related(*_RELATED).only(*_PAGE_FIELDS)
            .order_by("session__day", "session__order", "contribution__order", "uploaded_at", "id"))


@dataclass
class MaterialRow:
    material: Material
    can_open: bool


def materials_for_page(user, meeting: Meeting, registration_ids=()) -> list[MaterialRow]:
    """The materials section of a meeting's page: what the visitor may open, and, when the meeting lists
    restricted items, the others too (marked ``can_open=False``: the page shows the title only).

    Two queries at most, whatever the number of materials: the materials (a statement compiled once per worker:
    only the meeting changes), and the visitor's approved registrations or delegations when a level asks for them.
    Each material is decided by ``Visitor.can_open_material`` on every request."""
    who = Visitor(user, registration_ids)
    rows = kept_rows("events.materials_for_page", _page_materials, {"meeting": meeting.pk})
    result = []
    for material in rows:
        material.meeting = meeting
        can_open = who.can_open_material(material, meeting)
        if can_open or meeting.restricted_display == RestrictedDisplay.LIST:
            result.append(MaterialRow(material, can_open))
    return result


def material_grouped(rows: list[MaterialRow]) -> list[tuple]:
    """Rows grouped for the page: ``[(session or None, contribution or None, [row, ...]), ...]`` in agenda order."""
    groups: dict = {}
    for row in rows:
        material = row.material
        key = (material.session_id, material.contribution_id)
        if key not in groups:
            session = material.session or (material.contribution.session if material.contribution else None)
            groups[key] = (session, material.contribution, [])
        groups[key][2].append(row)
    return list(groups.values())


def material_get_for(user, pk, registration_ids=()) -> Material:
    """Fetch-and-authorise one material: 404 for a missing one and for one this visitor may not open alike."""
    try:
        material = Material.objects.select_related("meeting").get(pk=int(pk))
    except (Material.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404
    if not Visitor(user, registration_ids).can_open_material(material, material.meeting):
        raise Http404
    return material


def material_get_for_staff(pk) -> Material:
    try:
        return Material.objects.select_related("meeting", "session", "contribution").get(pk=int(pk))
    except (Material.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404


def meeting_get_for(user, queryset=None, *, registration_ids=(), **lookup) -> Meeting:
    """Fetch-and-authorise a meeting (``slug=`` or ``pk=``), honouring the registration links this browser holds:
    404 for a missing meeting and for one this visitor may not see alike."""
    queryset = Meeting.objects.all() if queryset is None else queryset
    try:
        return queryset.filter(Visitor(user, registration_ids).meeting_q()).get(**lookup)
    except (Meeting.DoesNotExist, Meeting.MultipleObjectsReturned, ValueError, TypeError, OverflowError):
        raise Http404

"""Published Actions and library items for the portal's tests, written through the portal's services."""

import datetime
import itertools

from pontis.actions.tests.factories import agreed_action, make_action
from pontis.knowledge import portal
from pontis.knowledge.models import LibraryItem

_n = itertools.count(1)


def publish_action(officer, *, countries=("CV",), themes=("legal",), institution=None, focal_point=None,
                   summary=None, results=None, published=True, show_partners=True, show_activities=True,
                   start=datetime.date(2024, 3, 1), end=datetime.date(2024, 9, 30), slug=None, region=None,
                   title=None):
    if institution is not None and focal_point is not None:  # with its fiche agreed: two workshops in Praia
        action = agreed_action(officer, focal_point, institution, countries=countries, themes=themes)
    else:
        action = make_action(officer, countries=countries, themes=themes, institution=institution,
                             focal_point=focal_point)
    if title is not None:
        action.title = title
        action.save(update_fields=["title"])
    action.start_date, action.end_date = start, end
    fields = ["start_date", "end_date"]
    if region is not None:
        action.region = region
        fields.append("region")
    action.save(update_fields=fields)
    pa = portal.published_action_save(
        action=action, by=officer, slug=slug or f"action-{next(_n)}",
        summary={"en": "A public summary of the Action."} if summary is None else summary,
        results={"en": "Two protocols adopted."} if results is None else results,
        show_partners=show_partners, show_activities=show_activities,
        partner_agreed_by="Ministry of the Interior, Director General", partner_agreed_on=datetime.date(2024, 1, 10))
    if published:
        pa = portal.published_action_publish(published=pa, by=officer)
    return pa


def library_item(*, kind=LibraryItem.Kind.CASE_STUDY, title=None, visibility="public", status="published",
                 actions=(), **extra):
    n = next(_n)
    item = LibraryItem.objects.create(kind=kind, slug=f"item-{n}", title=title or {"en": f"Item {n}"},
                                      visibility=visibility, status=status, year=2024, **extra)
    if actions:
        item.actions.set(actions)
    return item

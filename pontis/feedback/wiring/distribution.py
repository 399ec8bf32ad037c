"""Registrations of the distribution part of the feedback app with lower apps (menu, panels, hooks)."""

from pontis.actions.services.followups import followup_reminder_link as reminder_links

from ..services.invitations import followup_reminder_link


def register() -> None:
    # The outcome follow-up's reminder (actions) sends each focal point to their personal link of the follow-up
    # questionnaire when one is open, instead of the Action's page.
    reminder_links(followup_reminder_link)

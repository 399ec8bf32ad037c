"""The news events of Actions, their fiche, activities and follow-ups (worded at read time, see pontis.core.news).

Parameters: ``action`` (id), ``code``, ``title`` (the Action's multilingual title), ``partners`` (ids of the
partner focal points, who read "your"), and per event: ``version``, ``accepted``, ``months``, ``activity``,
``sequence``, ``activity_title``, ``start``/``end`` (ISO dates), and the text that goes with the move (``reason``,
``text``, ``note``).
"""

from django.utils.translation import gettext_lazy as _

from pontis.core.news import addressed, fill, if_given, news_event

ABOUT = _("Action %(code)s: %(title)s")


def _proposal_decided(params, reader):
    text = _("Your proposal for %(code)s is accepted") if params.get("accepted") else _("Your proposal for %(code)s is declined")
    return fill(text, params)


def _activity_dates(params, reader):
    if params.get("start") and params.get("end") and params["start"] != params["end"]:
        return fill(_("From %(start)s to %(end)s."), params)
    if params.get("start"):
        return fill(_("On %(start)s."), params)
    return ""


news_event(
    "actions.action_created",
    title=addressed(_("Action %(code)s is created: the Action Fiche can now be drafted with you"),
                    _("Action %(code)s is created: the Action Fiche can now be drafted"), key="partners"),
    body=_("The Action %(code)s (%(title)s) was created after the committee's approval."),
    about=ABOUT,
)
news_event(
    "actions.action_cancelled",
    title=_("Action %(code)s is cancelled"),
    body=if_given("reason", _("Reason given: %(reason)s")),
    about=ABOUT,
)
news_event(
    "actions.action_closed",
    title=_("Action %(code)s is closed"),
    body=addressed(_("Thank you. We will ask you about the outcomes in 6 and 12 months."), "", key="partners"),
    about=ABOUT,
)
news_event(
    "actions.fiche_partner_agreed",
    title=_("The partner agrees the Action Fiche of %(code)s"),
    about=ABOUT,
)
news_event(
    "actions.fiche_agreed",
    title=_("The Action Fiche of %(code)s is agreed (version %(version)s)"),
    about=ABOUT,
)
news_event(
    "actions.fiche_redesign",
    title=_("The Action %(code)s is being redesigned"),
    body=if_given("reason", _("Reason given: %(reason)s")),
    about=ABOUT,
)
news_event(
    "actions.fiche_comment",
    title=_("New comment on the Action Fiche of %(code)s"),
    body=if_given("text", _("Comment: %(text)s")),
    about=ABOUT,
)
news_event(
    "actions.fiche_proposal",
    title=_("A change to the Action Fiche of %(code)s is proposed"),
    body=if_given("text", _("Proposed text: %(text)s")),
    about=ABOUT,
)
news_event(
    "actions.fiche_proposal_decided",
    title=_proposal_decided,
    body=if_given("note", _("Note: %(note)s")),
    about=ABOUT,
)
news_event(
    "actions.followup_due",
    title=_("%(months)s months after Action %(code)s: what has changed?"),
    body=_("Please tell us what the Action has led to in your institution since it closed."),
    about=ABOUT,
)
news_event(
    "actions.activity_confirmed",
    title=_("Activity confirmed: %(code)s · %(sequence)s. %(activity_title)s"),
    body=_activity_dates,
    about=ABOUT,
)
news_event(
    "actions.activity_document_added",
    title=_("A report is added to the activity %(code)s · %(sequence)s. %(activity_title)s"),
    about=ABOUT,
)
news_event(
    "actions.activity_postponed",
    title=_("Activity postponed: %(code)s · %(sequence)s. %(activity_title)s"),
    body=if_given("reason", _("Reason given: %(reason)s")),
    about=ABOUT,
)

# The EU Delegation is told when an Action in its country starts. Parameters: ``action``, ``code``, ``title``,
# ``countries`` (multilingual names).
news_event(
    "actions.action_started_for_delegation",
    title=_("The Action %(code)s in %(countries)s has started: its Action Fiche is agreed"),
    about=ABOUT,
)
# A focal point named on a partner institution during the Action. Parameters: ``action``, ``code``, ``title``,
# ``institution`` (multilingual name).
news_event(
    "actions.focal_point_named",
    title=_("You are named focal point of %(institution)s for the Action %(code)s"),
    about=ABOUT,
)

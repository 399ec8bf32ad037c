"""The news events of the roster: invitations, vetting, reconfirmation, erasure (worded at read time, see
pontis.core.news).

Parameters: ``profile`` (id); for invitations ``invitation``, ``code`` (the Action's), ``sequence``,
``activity_title`` (multilingual), ``start``/``end`` (ISO dates) and ``reason``; ``status`` (a profile status code).
"""

from django.utils.translation import gettext_lazy as _

from pontis.core.news import fill, if_given, news_event

from .models import ExpertProfile

ACTIVITY = _("Activity %(code)s · %(sequence)s. %(activity_title)s")


def _status(params, reader):
    code = params.get("status", "")
    label = ExpertProfile.Status(code).label if code in ExpertProfile.Status.values else code
    return fill(_("Your expert profile is now %(status)s"), {**params, "status": str(label)})


news_event(
    "experts.invitation_received",
    title=_("You are invited to contribute as an expert to %(code)s · %(sequence)s. %(activity_title)s"),
    body=_("From %(start)s to %(end)s. Please answer the invitation."),
    about=ACTIVITY,
)
news_event(
    "experts.invitation_accepted",
    title=_("An expert accepted the invitation to %(code)s · %(sequence)s. %(activity_title)s"),
    about=ACTIVITY,
)
news_event(
    "experts.invitation_declined",
    title=_("An expert declined the invitation to %(code)s · %(sequence)s. %(activity_title)s"),
    body=if_given("reason", _("Reason given: %(reason)s")),
    about=ACTIVITY,
)
news_event(
    "experts.erasure_requested",
    title=_("An expert asks for their data to be erased"),
    body=_("Open the profile to anonymise it."),
)
news_event(
    "experts.profile_status",
    title=_status,
)
news_event(
    "experts.reconfirm",
    title=_("Please confirm your expert profile is up to date"),
    body=_("Once a year we ask experts to check their profile, languages and availability."),
)

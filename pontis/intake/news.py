"""The news events of requests (worded at read time, see pontis.core.news).

Parameters: ``request`` (id), ``title`` (the request's multilingual title), ``institutions`` (the requesting
institutions' acronyms or names), ``requesters`` (ids of the people who read "your request"), and the text that
goes with the move (``reason``, ``question``, ``answer``, ``justification``).
"""

from django.utils.translation import gettext_lazy as _

from pontis.core.news import addressed, if_given, news_event

ABOUT = _("Request “%(title)s”")

news_event(
    "intake.request_submitted",
    title=_("New request to screen: “%(title)s” from %(institutions)s"),
    about=ABOUT,
)
news_event(
    "intake.request_withdrawn",
    title=addressed(_("You withdrew the request “%(title)s”"), _("%(institutions)s withdrew the request “%(title)s”")),
    body=if_given("reason", _("Reason given: %(reason)s")),
    about=ABOUT,
)
news_event(
    "intake.info_requested",
    title=addressed(_("Information is requested on your request “%(title)s”"),
                    _("Information was requested from %(institutions)s on the request “%(title)s”")),
    body=if_given("question", _("Question: %(question)s")),
    about=ABOUT,
)
news_event(
    "intake.request_answered",
    title=addressed(_("You answered the question on your request “%(title)s”"),
                    _("%(institutions)s answered the question on the request “%(title)s”")),
    body=if_given("answer", _("Answer: %(answer)s")),
    about=ABOUT,
)
news_event(
    "intake.request_forwarded",
    title=addressed(_("Your request “%(title)s” is with the steering committee"),
                    _("Request “%(title)s” from %(institutions)s awaits the committee's decision")),
    body=if_given("justification", _("Forwarded although not eligible, because: %(justification)s")),
    about=ABOUT,
)
news_event(
    "intake.request_rejected",
    title=addressed(_("Your request “%(title)s” was not accepted"),
                    _("Request “%(title)s” from %(institutions)s was not accepted")),
    body=if_given("reason", _("Reason given: %(reason)s")),
    about=ABOUT,
)
news_event(
    "intake.request_deferred",
    title=addressed(_("Your request “%(title)s” was deferred by the steering committee"),
                    _("Request “%(title)s” from %(institutions)s was deferred by the steering committee")),
    body=if_given("reason", _("Reason given: %(reason)s")),
    about=ABOUT,
)
news_event(
    "intake.request_approved",
    title=addressed(_("Your request “%(title)s” was approved"),
                    _("Request “%(title)s” from %(institutions)s was approved")),
    body=if_given("reason", _("The committee's note: %(reason)s")),
    about=ABOUT,
)

# The EU Delegation's consultation. Parameters: ``request``, ``title``, ``country`` (the Delegation's country, its
# multilingual name), and ``question`` or ``opinion``.
news_event(
    "intake.delegation_consulted",
    title=_("Your opinion as EU Delegation to %(country)s is requested on the request “%(title)s”"),
    body=if_given("question", _("Question: %(question)s")),
    about=ABOUT,
)
news_event(
    "intake.delegation_opinion_given",
    title=_("The EU Delegation to %(country)s gave its opinion on the request “%(title)s”"),
    body=if_given("opinion", _("Opinion: %(opinion)s")),
    about=ABOUT,
)
news_event(
    "intake.request_approved_for_delegation",
    title=_("The request “%(title)s” concerning %(countries)s is approved by the steering committee"),
    about=ABOUT,
)

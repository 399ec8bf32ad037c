"""Reads of the distribution side: respondents' links, response rates, who has not answered, the responses table.

Staff reads fetch the questionnaire through its policy (``questionnaire_for_staff``); the respondents' reads
(``invitation_for_token``, ``questionnaire_for_open_key``) check the link, not a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core.i18n import translate
from pontis.core.permissions import get_visible_or_404

from ..models import Answer, Invitation, Questionnaire, QuestionnaireVersion, Reminder, Response
from ..permissions_distribution import sees_names


def questionnaire_for_staff(user, pk) -> Questionnaire:
    """One questionnaire (not a template) for the staff pages; 404 when not visible."""
    queryset = Questionnaire.objects.filter(is_template=False).select_related("activity__action", "action",
                                                                                "meeting", "follow_up__action")
    return get_visible_or_404(user, queryset, pk=pk)


def invitation_for_token(token: str) -> Invitation | None:
    return (Invitation.objects.select_related("questionnaire").filter(token=str(token)[:64]).first()
            if token else None)


def questionnaire_for_open_key(open_key: str) -> Questionnaire | None:
    return Questionnaire.objects.filter(open_key=str(open_key)[:64]).first() if open_key else None


def latest_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return QuestionnaireVersion.objects.filter(questionnaire=questionnaire).order_by("-number").first()


def response_for_digest(digest_value: str) -> Response | None:
    return Response.objects.filter(token_digest=digest_value).first() if digest_value else None


def response_with_answers(pk) -> Response:
    return Response.objects.select_related("version").prefetch_related("answers").get(pk=pk)


def response_rates(questionnaire: Questionnaire) -> dict:
    """Invited, answered (personal links), their rate in per cent (None with nobody invited), and the responses
    that came through the QR code or the API, counted apart. Two queries."""
    invited = Invitation.objects.filter(questionnaire=questionnaire).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    by_channel = dict(Response.objects.filter(questionnaire=questionnaire).order_by().values_list("channel")
                      .annotate(n=Count("pk")).values_list("channel", "n"))
    rate = round(100 * invited["answered"] / invited["invited"]) if invited["invited"] else None
    return {"invited": invited["invited"], "answered": invited["answered"], "rate": rate,
            "qr": by_channel.get(Response.Channel.QR, 0), "api": by_channel.get(Response.Channel.API, 0),
            "link": by_channel.get(Response.Channel.LINK, 0), "responses": sum(by_channel.values())}


def invitations_not_answered(questionnaire: Questionnaire):
    """Invitees who have not answered yet (for any anonymity: this reads ``answered_at``, not the answers),
    with how many reminders each got."""
    return (Invitation.objects.filter(questionnaire=questionnaire, answered_at__isnull=True)
            .annotate(reminders=Count("reminders_sent")).order_by("name", "email", "pk"))


def reminder_recipients(questionnaire: Questionnaire):
    """Invitees who have not answered (and have an address): who a new reminder round would reach."""
    return Invitation.objects.filter(questionnaire=questionnaire, answered_at__isnull=True).exclude(email="")


def reminders_of(questionnaire: Questionnaire):
    return (Reminder.objects.filter(questionnaire=questionnaire).select_related("created_by")
            .annotate(sent_count=Count("sent")).order_by("-number"))


def responses_of(questionnaire: Questionnaire):
    return (Response.objects.filter(questionnaire=questionnaire).select_related("version", "invitation")
            .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("pk")))
            .order_by("submitted_at", "pk"))


def _value(answer: Answer):
    if answer.type in ("rating", "knowledge"):
        return answer.number
    if answer.type in ("single", "multiple"):
        return "; ".join(answer.choices or [])
    return answer.text


def responses_table(user, questionnaire: Questionnaire, *, lang: str = "") -> tuple[list[str], list[list]]:
    """(header, rows): one row per response, one column per question key across every version (in the order the
    keys first appear, newest version first), the version number, the channel and the language; the respondent's
    name and e-mail only for those the policy lets see names (never for an anonymous questionnaire). Three queries."""
    versions = list(QuestionnaireVersion.objects.filter(questionnaire=questionnaire).order_by("-number"))
    keys: list[str] = []
    labels: dict[str, str] = {}
    for version in versions:
        for question in version.questions or []:
            if question["key"] not in labels:
                keys.append(question["key"])
                labels[question["key"]] = str(translate(question.get("text") or {}, lang or None)) or question["key"]
    names = sees_names(user, questionnaire)
    header = [_("No."), _("Version"), _("Submitted"), _("Channel"), _("Language")]
    if names:
        header += [_("Name"), _("E-mail")]
    header += [f"{key}: {labels[key]}" for key in keys]
    language_names = dict(settings.LANGUAGES)
    rows = []
    for index, response in enumerate(responses_of(questionnaire), start=1):
        by_key = {a.key: _value(a) for a in response.answers.all()}
        row = [index, response.version.number, timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
               str(response.get_channel_display()), str(language_names.get(response.language, response.language))]
        if names:
            invitation = response.invitation
            row += [invitation.name if invitation else "", invitation.email if invitation else ""]
        row += [by_key.get(key, "") for key in keys]
        rows.append(row)
    return header, rows

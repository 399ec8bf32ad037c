"""The builder's pages (staff): the questionnaire list, creation from a template or blank, the builder (questions,
choices, languages), the preview as a respondent, launch with "check your answers", close, reopen and versions.

Thin: each page calls one selector or service. The pages work without JavaScript; with it, htmx swaps the list of
questions in place after a move (the server answers the same page, ``hx-select`` keeps the list).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pontis.actions.models import Action, Activity, FollowUp
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.http import require_http_methods, require_POST
from pontis.core.i18n import translate
from pontis.core.permissions import get_visible_or_404, permission_required
from pontis.core.templatetags.pontis import _language_name
from pontis.events.models import Meeting

from . import forms_builder as forms
from .markup import addresses, escaped, fields_once
from .models import Question, Questionnaire
from .selectors import builder as selectors
from .services import builder as services
from .services.templates import templates_ensure

PAGE_SIZE = 25
LANGUAGE_NAMES = dict(settings.LANGUAGES)
TARGET_MODELS = {"activity": Activity, "action": Action, "meeting": Meeting, "follow_up": FollowUp}
DEFAULT_TEMPLATE = {"activity": "participant", "meeting": "pre_round_table", "follow_up": "follow_up"}


def _form_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: at its field when the form has it, else at the top."""
    fields = getattr(exc, "errors", None) or {}
    placed = False
    for name, problems in fields.items():
        if name in form.fields:
            for problem in problems if isinstance(problems, (list, tuple)) else [problems]:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _questionnaire(request, pk) -> Questionnaire:
    return selectors.questionnaire_get_for(request.user, pk)


def _detail(questionnaire) -> str:
    return reverse("feedback:builder_detail", args=[questionnaire.pk])


def _target_from(request) -> tuple[str, object] | tuple[None, None]:
    """The target named in the address (``?activity=12``), fetched through its policy (404 when not visible)."""
    for name, model in TARGET_MODELS.items():
        value = request.POST.get(name) or request.GET.get(name)
        if value:
            return name, get_visible_or_404(request.user, model, pk=value)
    return None, None


def _language_summary(questionnaire) -> list[dict]:
    missing = selectors.missing_texts(questionnaire, list(questionnaire.questions.all()))
    return [{"code": code, "name": LANGUAGE_NAMES.get(code, code), "missing": missing.get(code, [])}
            for code in questionnaire.languages]


# ---------------------------------------------------------------- lists


# The list's rows are written here, once per row, exactly as builder_list.html wrote them with the target through
# builder__target.html (markup.py; a test compares the two in every language): 25 rows of addresses, an include
# and a dozen variables were most of the page's cost.
_LIST_ROW = ('<tr><td><a href="{}">{}</a><br><span class="small">{}</span></td>\n<td>{}\n</td>\n'
             '<td><span class="status{}">{}</span></td>\n<td>{}</td><td>{}</td><td>{}</td></tr>')
_STATUS_CLASS = {Questionnaire.Status.OPEN: " status--ok", Questionnaire.Status.DRAFT: " status--warn"}


def _title_writer():
    """``escaped(tr(value))`` for the titles of one page: the note of a title shown in another language ("in
    English") is translated once per page and language instead of once per title."""
    notes: dict[str, str] = {}

    def title(value) -> str:
        text = translate(value)
        if not text.is_fallback:
            return escaped(str(text))
        note = notes.get(text.lang)
        if note is None:
            note = notes[text.lang] = escaped(_("in %(language)s") % {"language": _language_name(text.lang)})
        return f'<span lang="{escaped(text.lang)}">{escaped(str(text))}</span> <span class="fallback-note">({note})</span>'

    return title


def _target_addresses() -> dict:
    """The addresses of one page's rows (and its ``title`` writer, ``_title_writer``)."""
    return {"detail": addresses("feedback:builder_detail", "int"),
            "activity": addresses("actions:activity", "str", "int"), "action": addresses("actions:detail", "str"),
            "meeting": addresses("events:detail", "slug"), "title": _title_writer()}


def _row_of(q) -> selectors.ListRow:
    """The questionnaire ``q`` (with its counts, as ``questionnaire_list_rows`` reads it) as a row of plain
    values."""
    activity, action, meeting, follow_up = (q.activity if q.activity_id else None, q.action if q.action_id else None,
                                            q.meeting if q.meeting_id else None,
                                            q.follow_up if q.follow_up_id else None)
    # The type names an activity only when its title is written in no language (as ``str(activity)`` reads it).
    kind = activity.type if activity and not translate(activity.title) else None
    return selectors.ListRow(
        q.pk, q.title, q.purpose, q.status, q.activity_id, q.action_id, q.meeting_id, q.follow_up_id,
        activity.title if activity else None, activity.sequence if activity else None, kind.name if kind else None,
        kind.code if kind else None, activity.action.code if activity else None,
        action.code if action else None, action.title if action else None, meeting.slug if meeting else None,
        meeting.title if meeting else None, follow_up.months if follow_up else None,
        follow_up.action.code if follow_up else None, getattr(q, "question_count", 0),
        getattr(q, "version_count", 0), getattr(q, "response_count", 0))


def _target_of(row: selectors.ListRow, urls: dict) -> str:
    """What the questionnaire of ``row`` is about, as ``feedback/builder__target.html`` renders it."""
    if row.activity_id:
        return '<a href="{}">{}</a>'.format(
            escaped(urls["activity"](row.activity_action_code, row.activity_id)), escaped(selectors.activity_label(row)))
    if row.action_id:
        return '<a href="{}">{} · {}</a>'.format(
            escaped(urls["action"](row.action_code)), escaped(row.action_code), urls["title"](row.action_title))
    if row.meeting_id:
        return '<a href="{}">{}</a>'.format(escaped(urls["meeting"](row.meeting_slug)), urls["title"](row.meeting_title))
    if row.follow_up_id:
        # As {% blocktranslate %} writes it: the values escaped, the translation as it is.
        return _("Action %(code)s, follow-up after %(months)s months") % {
            "code": escaped(row.follow_up_action_code), "months": escaped(localize(row.follow_up_months))}
    return '<span class="muted">' + _("Nothing in particular") + "</span>"  # as {% translate %}


def target_html(q, urls: dict | None = None) -> str:
    """What the questionnaire ``q`` is about, as ``feedback/builder__target.html`` renders it (``urls``: the
    addresses of one page, ``_target_addresses``)."""
    return mark_safe(_target_of(_row_of(q), urls or _target_addresses()))  # noqa: S308 - every value escaped


def list_values_html(rows) -> list[str]:
    """The rows of the questionnaire list (``selectors.ListRow``), as ``feedback/builder_list.html`` wrote them.
    Purposes, statuses and counts are written once per page and value (``get_purpose_display`` rebuilds the
    choices on every call)."""
    urls = _target_addresses()
    # As get_FOO_display answers: the label in the reader's language, or the stored value when it has none.
    purposes = {value: escaped(str(label)) for value, label in Questionnaire.Purpose.choices}
    statuses = {value: escaped(str(label)) for value, label in Questionnaire.Status.choices}
    numbers: dict[int, str] = {}

    def number(value) -> str:
        text = numbers.get(value)
        if text is None:
            text = numbers[value] = escaped(localize(value))
        return text

    detail, title = urls["detail"], urls["title"]
    return [mark_safe(_LIST_ROW.format(  # noqa: S308 - every value escaped
        escaped(detail(row.pk)), title(row.title), purposes.get(row.purpose, escaped(row.purpose)),
        _target_of(row, urls), _STATUS_CLASS.get(row.status, ""), statuses.get(row.status, escaped(row.status)),
        number(row.question_count), number(row.version_count), number(row.response_count))) for row in rows]


def list_rows_html(questionnaires) -> list[str]:
    """The rows of the questionnaire list for questionnaires read as model instances (``list_values_html``)."""
    return list_values_html([_row_of(q) for q in questionnaires])


def filters_html(form: forms.QuestionnaireFilterForm) -> str:
    """The list's filter fields (``feedback/builder_list__filters.html``), kept by the worker per language and
    values (``markup.fields_once``): the same for every reader who sends the same filters."""
    return fields_once(form, lambda: render_to_string("feedback/builder_list__filters.html", {"form": form}))


@permission_required(Questionnaire, "view")
def questionnaire_list(request):
    form = forms.QuestionnaireFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {"status": "", "purpose": "", "target": ""}
    page = Paginator(selectors.questionnaire_list_page_values(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "feedback/builder_list.html", {
        "page": page, "rows": list_values_html(page.object_list), "form": form,
        "filters_html": filters_html(form), "filtered": any(filters.values())})


@permission_required(Questionnaire, "view")
def template_list(request):
    templates_ensure()
    return render(request, "feedback/builder_templates.html", {
        "templates": selectors.templates_visible_to(request.user)})


# ---------------------------------------------------------------- create


@permission_required(Questionnaire, "create")
@require_http_methods(["GET", "POST"])
def questionnaire_create(request):
    templates_ensure()
    target_name, target = _target_from(request)
    templates = selectors.templates_visible_to(request.user)
    initial = {}
    # The template that fits the target is offered first: participants of an activity, focal points before a
    # meeting, the outcome follow-up of a closed Action.
    wanted = request.GET.get("template") or DEFAULT_TEMPLATE.get(target_name or "", "")
    if wanted:
        initial["template"] = next((t for t in templates if t.template_code == wanted), None)
    form = forms.QuestionnaireCreateForm(request.POST or None, templates=templates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            questionnaire = services.questionnaire_create(
                by=request.user, template=data.get("template"), title=data.get("title") or None,
                languages=data.get("languages") or None, idempotency_key=data.get("idempotency_key"),
                **({target_name: target} if target_name else {}))
            messages.success(request, _("The questionnaire is created as a draft. Check its questions, then launch it."))
            return redirect(_detail(questionnaire))
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "feedback/builder_create.html", {
        "form": form, "target": target, "target_name": target_name})


# ---------------------------------------------------------------- the builder


@permission_required(Questionnaire, "view")
def questionnaire_detail(request, pk):
    questionnaire = _questionnaire(request, pk)
    questions = list(questionnaire.questions.all())
    return render(request, "feedback/builder_detail.html", {
        "questionnaire": questionnaire, "questions": questions, "languages": _language_summary(questionnaire),
        "problems": selectors.launch_problems(questionnaire, questions),
        "version": selectors.current_version(questionnaire),
        "changed": selectors.has_unlaunched_changes(questionnaire),
        "question_form": forms.QuestionForm(auto_id="new-question-%s"),
    })


@permission_required(Questionnaire, "change")
@require_http_methods(["GET", "POST"])
def questionnaire_settings(request, pk):
    questionnaire = _questionnaire(request, pk)
    form = forms.QuestionnaireSettingsForm(request.POST or None,
                                           initial=forms.QuestionnaireSettingsForm.initial_for(questionnaire))
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_update(questionnaire=questionnaire, by=request.user, **form.cleaned_data)
            messages.success(request, _("The changes are saved."))
            return redirect(_detail(questionnaire))
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "feedback/builder_settings.html", {"questionnaire": questionnaire, "form": form})


@permission_required(Questionnaire, "change")
@require_http_methods(["GET", "POST"])
def question_add(request, pk):
    questionnaire = _questionnaire(request, pk)
    form = forms.QuestionForm(request.POST or None, initial={"type": request.GET.get("type") or "rating"})
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_add(questionnaire=questionnaire, by=request.user,
                                              idempotency_key=form.cleaned_data.get("idempotency_key"),
                                              **form.service_fields())
            messages.success(request, _("The question is added."))
            if question.type in selectors.CHOICE_TYPES:
                return redirect("feedback:builder_question", pk=questionnaire.pk, question_id=question.pk)
            return redirect(_detail(questionnaire) + f"#question-{question.pk}")
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "feedback/builder_question.html", {
        "questionnaire": questionnaire, "form": form, "question": None})


@permission_required(Questionnaire, "change")
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_id):
    questionnaire = _questionnaire(request, pk)
    question = selectors.question_get_for(request.user, questionnaire, question_id)
    form = forms.QuestionForm(request.POST or None, initial=forms.QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, by=request.user, **form.service_fields())
            messages.success(request, _("The changes are saved."))
            return redirect(_detail(questionnaire) + f"#question-{question.pk}")
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "feedback/builder_question.html", {
        "questionnaire": questionnaire, "form": form, "question": question,
        "key_locked": question.key in services.launched_keys(questionnaire),
        "choice_form": forms.ChoiceForm(auto_id="new-choice-%s") if question.type in selectors.CHOICE_TYPES else None,
    })


@permission_required(Questionnaire, "change")
@require_POST
def question_move(request, pk, question_id):
    questionnaire = _questionnaire(request, pk)
    question = selectors.question_get_for(request.user, questionnaire, question_id)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        services.question_move(question=question, by=request.user, direction=form.cleaned_data["direction"])
    return redirect(_detail(questionnaire) + f"#question-{question.pk}")


@permission_required(Questionnaire, "change")
@require_POST
def question_delete(request, pk, question_id):
    questionnaire = _questionnaire(request, pk)
    question = selectors.question_get_for(request.user, questionnaire, question_id)
    if not is_confirmed(request):
        consequences = [_("The question and its choices are removed from the questionnaire being edited.")]
        if question.key in services.launched_keys(questionnaire):
            consequences.append(_("Launched versions keep it, and so do the answers already given."))
        return confirm_page(request, title=_("Remove this question?"), consequences=consequences,
                            button=_("Remove the question"), cancel_url=_detail(questionnaire),
                            summary=[(_("Key"), question.key)])
    services.question_delete(question=question, by=request.user)
    messages.success(request, _("The question is removed."))
    return redirect(_detail(questionnaire))


# ---------------------------------------------------------------- choices


@permission_required(Questionnaire, "change")
@require_POST
def choice_add(request, pk, question_id):
    questionnaire = _questionnaire(request, pk)
    question = selectors.question_get_for(request.user, questionnaire, question_id)
    form = forms.ChoiceForm(request.POST)
    if form.is_valid():
        try:
            services.choice_add(question=question, by=request.user, value=form.cleaned_data["value"],
                                label=form.cleaned_data["label"], idempotency_key=form.cleaned_data.get("idempotency_key"))
            messages.success(request, _("The choice is added."))
            return redirect("feedback:builder_question", pk=questionnaire.pk, question_id=question.pk)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "feedback/builder_question.html", {
        "questionnaire": questionnaire, "question": question, "choice_form": form,
        "form": forms.QuestionForm(initial=forms.QuestionForm.initial_for(question)),
        "key_locked": question.key in services.launched_keys(questionnaire)}, status=422)


@permission_required(Questionnaire, "change")
@require_http_methods(["GET", "POST"])
def choice_edit(request, pk, question_id, choice_id):
    questionnaire = _questionnaire(request, pk)
    question = selectors.question_get_for(request.user, questionnaire, question_id)
    choice = selectors.choice_get_for(request.user, question, choice_id)
    form = forms.ChoiceForm(request.POST or None, initial={"value": choice.value, "label": choice.label})
    if request.method == "POST" and form.is_valid():
        try:
            services.choice_update(choice=choice, by=request.user, value=form.cleaned_data["value"],
                                   label=form.cleaned_data["label"])
            messages.success(request, _("The changes are saved."))
            return redirect("feedback:builder_question", pk=questionnaire.pk, question_id=question.pk)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "feedback/builder_choice.html", {
        "questionnaire": questionnaire, "question": question, "choice": choice, "form": form})


@permission_required(Questionnaire, "change")
@require_POST
def choice_move(request, pk, question_id, choice_id):
    questionnaire = _questionnaire(request, pk)
    question = selectors.question_get_for(request.user, questionnaire, question_id)
    choice = selectors.choice_get_for(request.user, question, choice_id)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        services.choice_move(choice=choice, by=request.user, direction=form.cleaned_data["direction"])
    return redirect("feedback:builder_question", pk=questionnaire.pk, question_id=question.pk)


@permission_required(Questionnaire, "change")
@require_POST
def choice_delete(request, pk, question_id, choice_id):
    questionnaire = _questionnaire(request, pk)
    question = selectors.question_get_for(request.user, questionnaire, question_id)
    choice = selectors.choice_get_for(request.user, question, choice_id)
    back = reverse("feedback:builder_question", args=[questionnaire.pk, question.pk])
    if not is_confirmed(request):
        return confirm_page(request, title=_("Remove this choice?"),
                            consequences=[_("The choice is removed from the questionnaire being edited; launched "
                                            "versions and their answers keep it.")],
                            button=_("Remove the choice"), cancel_url=back, summary=[(_("Value"), choice.value)])
    services.choice_delete(choice=choice, by=request.user)
    messages.success(request, _("The choice is removed."))
    return redirect(back)


# ---------------------------------------------------------------- preview, launch, close, reopen, versions


@permission_required(Questionnaire, "view")
def questionnaire_preview(request, pk):
    questionnaire = _questionnaire(request, pk)
    version = selectors.preview_version(questionnaire)
    form = forms.PreviewLanguageForm(request.GET or None)
    wanted = form.cleaned_data.get("lang") if form.is_valid() else ""
    lang = selectors.version_language(version, wanted)
    questions = selectors.version_questions(version, lang)
    for question in questions:
        question["fallback_name"] = LANGUAGE_NAMES.get(question["fallback"], "") if question["fallback"] else ""
    return render(request, "feedback/builder_preview.html", {
        "questionnaire": questionnaire, "lang": lang, "lang_name": LANGUAGE_NAMES.get(lang, lang),
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in version.languages],
        "head": selectors.version_title(version, lang), "questions": questions, "scale": range(1, 6),
    })


@permission_required(Questionnaire, "change")
@require_http_methods(["GET", "POST"])
def questionnaire_launch(request, pk):
    questionnaire = _questionnaire(request, pk)
    questions = list(questionnaire.questions.all())
    if request.method == "POST" and is_confirmed(request):
        try:
            version = services.questionnaire_launch(questionnaire=questionnaire, by=request.user)
            messages.success(request, _("Version %(number)s is launched: respondents answer it from now on.")
                             % {"number": version.number})
            return redirect(_detail(questionnaire))
        except DomainError as exc:
            messages.error(request, str(exc.message))
            questionnaire = _questionnaire(request, pk)
            questions = list(questionnaire.questions.all())
    counts = {}
    for question in questions:
        counts[question.get_type_display()] = counts.get(question.get_type_display(), 0) + 1
    return render(request, "feedback/builder_launch.html", {
        "questionnaire": questionnaire, "questions": questions, "counts": sorted(counts.items()),
        "languages": _language_summary(questionnaire), "problems": selectors.launch_problems(questionnaire, questions),
        "version": selectors.current_version(questionnaire),
    })


@permission_required(Questionnaire, "change")
@require_POST
def questionnaire_close(request, pk):
    questionnaire = _questionnaire(request, pk)
    if not is_confirmed(request):
        return confirm_page(request, title=_("Close this questionnaire?"),
                            consequences=[_("Nobody can answer it any more; answers already given are kept."),
                                          _("You can reopen it later.")],
                            button=_("Close the questionnaire"), cancel_url=_detail(questionnaire))
    try:
        services.questionnaire_close(questionnaire=questionnaire, by=request.user)
        messages.success(request, _("The questionnaire is closed."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(_detail(questionnaire))


@permission_required(Questionnaire, "change")
@require_POST
def questionnaire_reopen(request, pk):
    questionnaire = _questionnaire(request, pk)
    if not is_confirmed(request):
        consequences = [_("People can answer it again.")]
        if selectors.has_unlaunched_changes(questionnaire):
            consequences.append(_("Your changes to the questions are launched as a new version; answers already "
                                  "given keep theirs."))
        return confirm_page(request, title=_("Reopen this questionnaire?"), consequences=consequences,
                            button=_("Reopen the questionnaire"), cancel_url=_detail(questionnaire))
    try:
        version = services.questionnaire_reopen_with_changes(questionnaire=questionnaire, by=request.user)
        messages.success(request, _("The questionnaire is open again (version %(number)s).") % {"number": version.number})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(_detail(questionnaire))


@permission_required(Questionnaire, "view")
def questionnaire_versions(request, pk):
    questionnaire = _questionnaire(request, pk)
    versions = []
    for version in selectors.versions_of(questionnaire):
        versions.append({"version": version, "questions": selectors.version_questions(version, request.LANGUAGE_CODE),
                         "fallbacks": [LANGUAGE_NAMES.get(code, code) for code in version.fallback_languages],
                         "languages": [LANGUAGE_NAMES.get(code, code) for code in version.languages]})
    return render(request, "feedback/builder_versions.html", {
        "questionnaire": questionnaire, "versions": versions, "type_labels": dict(Question.Type.choices),
        "level_labels": dict(Question.Level.choices), "phase_labels": dict(Question.Phase.choices)})

"""The practice library's pages: the list, an item, its files, and the staff's forms. Thin: one selector or
service each; visibility comes from the policy (permissions.py), never from a filter written here."""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pontis.actions.selectors import action_detail_queryset
from pontis.core import audit, registry
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError, ValidationFailed
from pontis.core.http import require_http_methods, require_POST
from pontis.core.i18n import translate
from pontis.core.once import new_key
from pontis.core.permissions import can, get_visible_or_404, permission_required, public
from pontis.core.uploads import CONTENT_EXTENSIONS, download_response, stored_name

from . import forms, selectors, services
from .models import LibraryItem, Visibility

PAGE_SIZE = 20
# The sections of an item's page, in the facility's order (a case study fills the first six, others the last).
SECTIONS = (
    ("context", _lazy("Context")), ("action_design", _lazy("Action design")), ("practices_text", _lazy("Practices")),
    ("impact", _lazy("Impact")), ("challenges", _lazy("Challenges")), ("lessons", _lazy("Lessons learnt")),
    ("body", _lazy("Description")),
)
LANGUAGE_NAMES = dict(settings.LANGUAGES)


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
        if exc.field in form.fields:
            form.add_error(exc.field, str(exc.message))
        else:
            form.add_error(None, str(exc.message))


def _item_for_staff(request, slug):
    """An item a staff page works on, by its current short name (staff see every item)."""
    return get_visible_or_404(request.user, selectors.item_detail_queryset(), slug=slug)


@public
def item_list(request):
    form = forms.LibraryFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {"kind": "", "theme": "", "country": "", "year": None}
    page = Paginator(selectors.items_visible_to(request.user, filters, prefetch=False),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    may_create = can(request.user, "create", LibraryItem)
    choices = selectors.item_filter_options(request.user)
    return render(request, "knowledge/library/item_list.html", {
        "page": page, "filters": filters, "filtered": any(filters.values()), "kinds": LibraryItem.Kind.choices,
        "choices": choices, "may_create": may_create,
        "theme_options": options_html(choices["themes"], filters["theme"]),
        "country_options": options_html(choices["countries"], filters["country"]),
        "rows_html": item_rows_html(rows, selectors.item_places(rows)),
    })


def _places(countries: list[str], themes: list[str]) -> str:
    """A list row's countries (", ") then thematic areas ("; "), " · " between (the template's loops read each
    link list three times)."""
    countries, themes = ", ".join(countries), "; ".join(themes)
    return f"{countries} · {themes}" if countries and themes else countries or themes


_SLUG_MARK = "--slug-mark--"  # stands for an item's short name in its address (reversed once per page)
_PLAIN_SLUG = re.compile(r"[A-Za-z0-9_-]+\Z")


def _tr_html(value, notes: dict) -> str:
    """``{% tr value %}`` as the template wrote it: escaped, a fallback marked with its language (``notes``: the
    page's notes per language, each translated once)."""
    text = translate(value)
    if not text.is_fallback:
        return html.escape(text)
    note = notes.get(text.lang)
    if note is None:
        note = notes[text.lang] = conditional_escape(
            _("in %(language)s") % {"language": LANGUAGE_NAMES.get(text.lang, text.lang)})
    return f'<span lang="{html.escape(text.lang)}">{html.escape(text)}</span> <span class="fallback-note">({note})</span>'


def item_rows_html(items, places: dict) -> SafeString:
    """The list's rows as its template's ``{% for %}`` loop wrote them (kind, year, status, visibility, title,
    summary and places), each label translated once per page: twenty rows of tags and ``{% url %}`` were half of
    the list's cost. ``places``: ``selectors.item_places(items)``."""
    kinds, statuses = dict(LibraryItem.Kind.choices), dict(LibraryItem.Status.choices)
    visibilities = dict(Visibility.choices)
    before, after = reverse("library:detail", args=[_SLUG_MARK]).split(_SLUG_MARK)
    esc = conditional_escape
    rows, notes, years = [], {}, {}
    for item in items:
        url = f"{before}{item.slug}{after}" if _PLAIN_SLUG.match(item.slug) else reverse(
            "library:detail", args=[item.slug])
        year = years.get(item.year)
        if year is None:
            year = years[item.year] = f" · {esc(formats.localize(item.year))}" if item.year else ""
        status = (f' <span class="status status--warn">{esc(statuses.get(item.status, item.status))}</span>'
                  if item.status != "published" else "")
        visibility = (f' <span class="status">{esc(visibilities.get(item.visibility, item.visibility))}</span>'
                      if item.visibility != "public" else "")
        summary = f'<p class="library-list__summary">{_tr_html(item.summary, notes)}</p>' if item.summary else ""
        countries, themes = places.get(item.pk, ((), ()))
        rows.append(
            f'\n  <li class="library-list__item card">\n    <p class="library-list__kind"><span class="tag">'
            f'{esc(kinds.get(item.kind, item.kind))}</span>{year}\n    {status}\n    {visibility}</p>\n'
            f'    <h2 class="library-list__title"><a href="{esc(url)}">{_tr_html(item.title, notes)}</a></h2>\n'
            f'    {summary}\n    <p class="small">{esc(_places(countries, themes))}</p>\n  </li>\n')
    return mark_safe("".join(rows))  # noqa: S308  escaped here


def options_html(pairs, selected: str) -> SafeString:
    """The ``<option>`` elements of (value, label) pairs, ``selected`` marked, exactly as the template's loop wrote
    them (``<option value="v" selected>label</option>``, a space before ``>`` otherwise): some 250 countries on
    every list page, a hundred times cheaper here than in a template loop. Values and labels are escaped."""
    return mark_safe("".join(  # noqa: S308  escaped here
        f'<option value="{html.escape(str(value))}" {"selected" if value == selected else ""}>{html.escape(str(label))}</option>'
        for value, label in pairs
    ))


@public
def item_detail(request, slug):
    item = selectors.item_get_for(request.user, slug, queryset=selectors.item_page_queryset())
    if item.slug != slug:  # a former short name: the address moved for good
        return HttpResponsePermanentRedirect(reverse("library:detail", args=[item.slug]))
    may_change = can(request.user, "change", item)
    facts = selectors.item_facts(item)
    sections = []
    for name, label in SECTIONS:
        text = translate(getattr(item, name))
        if text:
            sections.append({"label": label, "text": text, "lang": text.lang,
                             "fallback": LANGUAGE_NAMES.get(text.lang, text.lang) if text.is_fallback else ""})
    context = {
        "item": item, "sections": sections, "facts": facts, "files": selectors.item_files(item),
        "links": selectors.item_links_for(request.user, item, linked=facts["linked"]),
        "noindex": not (item.status == LibraryItem.Status.PUBLISHED and item.visibility == Visibility.PUBLIC),
        "deliverable_status_label": dict(forms.DELIVERABLE_STATUS_CHOICES).get(item.deliverable_status, ""),
        "may_change": may_change, "may_publish": can(request.user, "publish", item),
        "panels": registry.detail_panels_for("knowledge.LibraryItem", request, item),
    }
    if may_change:
        context.update({
            "next_status": sorted(LibraryItem.TRANSITIONS.get(item.status, ())),
            "visibility_html": visibility_field_html(item.visibility),
            "file_form_html": file_form_html(),
        })
    return render(request, "knowledge/library/item_detail.html", context)


# The one-time key the file form is first rendered with, replaced by a fresh key on each page (a key ``new_key``
# never gives: a random UUID's hex has its version digit, 4, in it).
_KEY_MARK = "0" * 32
_rendered: dict[tuple, str] = {}  # (form, language, value) -> the empty form as the page's template rendered it


def visibility_field_html(visibility: str) -> SafeString:
    """``{{ visibility_form.visibility }}`` of the item page's ``VisibilityForm`` with ``visibility`` chosen. Its
    labels change with the language only, so it is rendered once per language, value and process."""
    key = ("visibility", translation.get_language(), visibility)
    html_ = _rendered.get(key)
    if html_ is None:
        form = forms.VisibilityForm(initial={"visibility": visibility}, auto_id="visibility-%s")
        html_ = _rendered[key] = str(form["visibility"])
    return mark_safe(html_)  # noqa: S308  Django's own rendering of the field


def file_form_html() -> SafeString:
    """``{{ file_form }}`` of the item page's empty ``LibraryFileForm``, with a fresh one-time key: rendered once
    per language and process (three fields and their widget templates, a seventh of an officer's item page)."""
    key = ("file", translation.get_language(), "")
    html_ = _rendered.get(key)
    if html_ is None:
        html_ = _rendered[key] = str(forms.LibraryFileForm(auto_id="library-file-%s",
                                                           initial={"idempotency_key": _KEY_MARK}))
    return mark_safe(html_.replace(f'value="{_KEY_MARK}"', f'value="{new_key()}"'))  # noqa: S308


@public
def file_download(request, slug, file_id):
    item = selectors.item_get_for(request.user, slug)
    record = selectors.file_get_for(request.user, item, file_id)
    if not record.file:
        raise Http404
    ext = CONTENT_EXTENSIONS.get(record.content_type, "bin")
    response = download_response(record.file, filename=stored_name(item.slug, record.pk, ext))
    if item.visibility != Visibility.PUBLIC or item.status != LibraryItem.Status.PUBLISHED:
        audit.record_access(record, by=request.user, what="library file")
    return response


@permission_required(LibraryItem, "create")
@require_http_methods(["GET", "POST"])
def item_create(request, kind):
    if kind not in LibraryItem.Kind.values:
        raise Http404
    form = forms.LibraryItemForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            item = services.item_create(by=request.user, kind=kind, idempotency_key=form.cleaned_data.get("idempotency_key"),
                                        **data)
            messages.success(request, _("The item is saved as a draft. Publish it when it is ready."))
            return redirect("library:detail", slug=item.slug)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "knowledge/library/item_form.html", {
        "form": form, "kind_label": LibraryItem.Kind(kind).label, "item": None})


@permission_required(LibraryItem, "change")
@require_http_methods(["GET", "POST"])
def item_edit(request, slug):
    item = _item_for_staff(request, slug)
    form = forms.LibraryItemForm(request.POST or None, kind=item.kind, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_update(item=item, by=request.user, **form.service_fields())
            messages.success(request, _("The changes are saved."))
            return redirect("library:detail", slug=item.slug)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "knowledge/library/item_form.html", {
        "form": form, "kind_label": item.get_kind_display(), "item": item})


@permission_required(LibraryItem, "publish")
@require_POST
def item_publish(request, slug):
    item = _item_for_staff(request, slug)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Publish this item?"), caption=services.library.item_title(item),
            consequences=[_("It becomes visible to: %(who)s.") % {"who": item.get_visibility_display()},
                          _("Search finds it and other pages may suggest it.")],
            button=_("Publish"), cancel_url=reverse("library:detail", args=[item.slug]))
    try:
        services.item_publish(item=item, by=request.user)
        messages.success(request, _("The item is published."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("library:detail", slug=item.slug)


@permission_required(LibraryItem, "publish")
@require_POST
def item_withdraw(request, slug):
    item = _item_for_staff(request, slug)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Withdraw this item?"), caption=services.library.item_title(item),
            consequences=[_("Only staff see it afterwards: it leaves the library, search and suggestions."),
                          _("Links to it answer “not found” for everyone else. It can be published again.")],
            button=_("Withdraw"), cancel_url=reverse("library:detail", args=[item.slug]))
    try:
        services.item_withdraw(item=item, by=request.user)
        messages.success(request, _("The item is withdrawn."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("library:detail", slug=item.slug)


@permission_required(LibraryItem, "publish")
@require_POST
def item_visibility(request, slug):
    item = _item_for_staff(request, slug)
    form = forms.VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who may see the item."))
        return redirect("library:detail", slug=item.slug)
    visibility = form.cleaned_data["visibility"]
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Change who may see this item?"), caption=services.library.item_title(item),
            consequences=[_("From now on it is visible to: %(who)s.") % {"who": Visibility(visibility).label}],
            summary=[(_("Now"), item.get_visibility_display()), (_("Afterwards"), Visibility(visibility).label)],
            button=_("Change who may see it"), cancel_url=reverse("library:detail", args=[item.slug]))
    try:
        services.item_set_visibility(item=item, by=request.user, visibility=visibility)
        messages.success(request, _("Who may see the item is changed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("library:detail", slug=item.slug)


@permission_required(LibraryItem, "change")
@require_POST
def file_upload(request, slug):
    item = _item_for_staff(request, slug)
    form = forms.LibraryFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_add(item=item, by=request.user, upload=form.cleaned_data["file"],
                              title=form.cleaned_data["title"], language=form.cleaned_data["language"],
                              idempotency_key=form.cleaned_data.get("idempotency_key"))
            messages.success(request, _("The file is added."))
            return redirect("library:detail", slug=item.slug)
        except ValidationFailed as exc:
            _form_error(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    return render(request, "knowledge/library/file_form.html", {"item": item, "form": form}, status=422)


@permission_required(LibraryItem, "change")
@require_POST
def file_remove(request, slug, file_id):
    item = _item_for_staff(request, slug)
    record = selectors.file_get_for(request.user, item, file_id)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Remove this file?"), caption=str(record),
            consequences=[_("The file is deleted from the library; it cannot be recovered here.")],
            button=_("Remove the file"), cancel_url=reverse("library:detail", args=[item.slug]))
    try:
        services.file_remove(file=record, by=request.user)
        messages.success(request, _("The file is removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("library:detail", slug=item.slug)


@permission_required(LibraryItem, "create")
@require_POST
def case_study_from_action(request, code):
    action = get_visible_or_404(request.user, action_detail_queryset(), code=code)
    form = forms.CaseStudyFromActionForm(request.POST)
    if form.is_valid():
        try:
            item = services.case_study_from_action(
                action=action, by=request.user, partner_agreed_by=form.cleaned_data["partner_agreed_by"],
                partner_agreed_on=form.cleaned_data["partner_agreed_on"], visibility=form.cleaned_data["visibility"],
                idempotency_key=form.cleaned_data.get("idempotency_key"))
            messages.success(request, _("The case study is published. Complete its sections here."))
            return redirect("library:detail", slug=item.slug)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "knowledge/library/from_action.html", {"action": action, "form": form}, status=422)

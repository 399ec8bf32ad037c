"""Thesaurus pages: the concepts by thematic area (public), a concept with its labels in the five languages, and
the staff's alternative labels (add; remove after confirmation). Thin: reads come from thesaurus.py, writes go
through its services."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError, ValidationFailed
from pontis.core.http import require_http_methods, require_POST
from pontis.core.permissions import can, get_visible_or_404, permission_required, public

from . import thesaurus
from .models import Concept, ConceptLabel

QUERY_MAX_LENGTH = 200


def _lang() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def search_url(concept: Concept) -> str:
    """The library search for items about this concept (its broader and narrower ones too)."""
    try:
        base = reverse("search:search")
    except NoReverseMatch:
        base = "/search/"
    return f"{base}?{urlencode({'concept': concept.code})}"


class LabelForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    text = forms.CharField(label=gettext_lazy("Alternative label"), max_length=thesaurus.LABEL_MAX_LENGTH,
                           help_text=gettext_lazy("A synonym or an acronym, as people write it in that language."))


@public
def concept_list(request):
    query = (request.GET.get("q") or "").strip()[:QUERY_MAX_LENGTH]
    groups = thesaurus.concept_groups(thesaurus.concepts_with_labels(), query, _lang())
    count = len({c.pk for g in groups for c in g["concepts"]})
    return render(request, "knowledge/thesaurus/concept_list.html", {
        "groups": groups, "q": query, "count": count, "lang": _lang(),
    })


def _detail_context(request, concept, form=None):
    may_change = can(request.user, "change", concept)
    return {
        "concept": concept,
        "rows": thesaurus.labels_by_language(concept),
        "language_names": dict(settings.LANGUAGES),
        "broader": sorted(concept.broader.all(), key=lambda c: str(c).casefold()),
        "narrower": sorted(concept.narrower.all(), key=lambda c: str(c).casefold()),
        "search_url": search_url(concept),
        "may_change": may_change,
        "form": (form or LabelForm(initial={"language": _lang()})) if may_change else None,
    }


def _concept(request, code):
    queryset = Concept.objects.select_related("theme", "topic").prefetch_related(
        "labels", "broader__labels", "narrower__labels")
    return get_visible_or_404(request.user, queryset, code=code)


@public
def concept_detail(request, code):
    concept = _concept(request, code)
    return render(request, "knowledge/thesaurus/concept_detail.html", _detail_context(request, concept))


@permission_required(Concept, "change")
@require_http_methods(["GET", "POST"])
def label_add(request, code):
    concept = _concept(request, code)
    form = LabelForm(request.POST or None, initial={"language": _lang()})
    if request.method == "POST" and form.is_valid():
        try:
            label = thesaurus.concept_label_add(concept=concept, language=form.cleaned_data["language"],
                                                text=form.cleaned_data["text"], by=request.user)
        except ValidationFailed as exc:
            for name, message in (exc.errors or {None: exc.message}).items():
                form.add_error(name if name in form.fields else None, message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The label “%(label)s” is saved.") % {"label": label.text})
            return redirect("thesaurus:detail", code=concept.code)
    return render(request, "knowledge/thesaurus/label_form.html", {"concept": concept, "form": form})


@permission_required(Concept, "change")
@require_POST
def label_remove(request, code, pk):
    concept = _concept(request, code)
    label = ConceptLabel.objects.filter(concept=concept, pk=pk).first()  # the concept's policy decided above
    back = reverse("thesaurus:detail", args=[concept.code])
    if label is None:
        if is_confirmed(request) and not ConceptLabel.objects.filter(pk=pk).exists():
            # The confirmation posted twice: the first one removed it.
            messages.info(request, _("This label was already removed."))
            return redirect(back)
        raise Http404
    if label.preferred:
        messages.error(request, _("The preferred label cannot be removed."))
        return redirect(back)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove this alternative label?"),
            consequences=[_("Searches for “%(label)s” will no longer find this concept.") % {"label": label.text}],
            summary=[(_("Concept"), str(concept)), (_("Label"), label.text),
                     (_("Language"), dict(settings.LANGUAGES).get(label.language, ""))],
            button=_("Remove the label"),
            cancel_url=back,
        )
    try:
        thesaurus.concept_label_remove(label=label, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The label “%(label)s” is removed.") % {"label": label.text})
    return redirect(back)

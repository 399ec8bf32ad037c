"""The error summary at the top of a form (GOV.UK "There is a problem"), linked to the fields in error.

Every form rendered with ``{{ form }}`` (or ``form.as_div``) gets it from ``templates/django/forms/div.html``. A
template that lays a form out field by field adds it itself, once, at the top of the form:

    {% load form_errors %}{% error_summary form %}

Several forms at once (a form and its formset): ``{% error_summary form formset %}``.
"""

from django import template
from django.forms import BaseFormSet, MultiWidget, RadioSelect
from django.utils import translation

from pontis.core.i18n import TranslatedWidget, content_languages

register = template.Library()


def field_anchor(bound_field) -> str:
    """The id of the first control of a field, for the summary's link (radios and multi-part inputs included)."""
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    widget = bound_field.field.widget
    if isinstance(widget, RadioSelect):  # radios and check boxes: the first option
        return f"{auto_id}_0"
    if isinstance(widget, TranslatedWidget):  # the input of the language the page is in, the one shown first
        languages = list(content_languages())
        current = (translation.get_language() or "").split("-")[0]
        return f"{auto_id}_{languages.index(current) if current in languages else 0}"
    if isinstance(widget, MultiWidget):  # one input per part (date parts...): the first part
        return f"{auto_id}_0"
    return bound_field.id_for_label or auto_id


def form_problems(form) -> list[dict]:
    """``[{"href": "#id_title", "message": "..."}]`` in the order of the form's fields; form-wide errors first."""
    if form is None or not getattr(form, "is_bound", False):
        return []
    if isinstance(form, BaseFormSet):
        problems = [{"href": "", "message": str(e)} for e in form.non_form_errors()]
        for sub in form.forms:
            problems += form_problems(sub)
        return problems
    if not form.errors:
        return []
    problems = [{"href": "", "message": str(e)} for e in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            anchor = field_anchor(bound_field)
            problems.append({"href": f"#{anchor}" if anchor else "", "message": str(error),
                             "label": bound_field.label})
    hidden = [name for name in form.errors if name != "__all__" and name not in form.fields]
    for name in hidden:  # errors added for names that are not fields
        problems += [{"href": "", "message": str(e)} for e in form.errors[name]]
    return problems


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms):
    problems = []
    for form in forms:
        problems += form_problems(form)
    return {"problems": problems}

"""The home page's panels are written in Python (``core.home.sections_html``, ``{% home_sections %}``): the page's
sections, the "Awaiting me" and news panels and the shared list of links give the HTML that the page's template and
the panels' templates gave, in the five languages, with hostile text, and any other panel's template is still
rendered in the page's context."""

import re

import pytest
from django.template import Context, Engine, Template
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es", "pt", "ru")

# The part of core/home.html that showed the panels, as it was.
SECTIONS_BEFORE = """{% load i18n %}{% for panel in panels %}{% if panel.wide %}
<section class="card home-lead" aria-labelledby="panel-lead-{{ forloop.counter }}">
  <h2 id="panel-lead-{{ forloop.counter }}">{{ panel.title }}{% if panel.count %} <span class="badge">{{ panel.count }}</span>{% endif %}</h2>
  {% include panel.template with panel=panel %}
</section>
{% endif %}{% endfor %}
<div class="grid">
  {% for panel in panels %}{% if not panel.wide %}
    <section class="card" aria-labelledby="panel-{{ forloop.counter }}">
      <h2 id="panel-{{ forloop.counter }}">{{ panel.title }}</h2>
      {% include panel.template with panel=panel %}
    </section>
  {% endif %}{% empty %}
    <p>{% translate "Nothing awaits you." %}</p>
  {% endfor %}
</div>"""

# The panels' templates, as they were.
BEFORE = {
    "core/_panel_tasks.html": """{% load i18n %}{% if panel.groups %}
{% for group in panel.groups %}
<h3 class="task-list__kind">{{ group.kind }}</h3>
<ul class="task-list">
  {{ group.rows }}
</ul>
{% if group.more %}<p class="small">{% if group.more_url %}<a href="{{ group.more_url }}">{% blocktranslate count n=group.more %}and {{ n }} more{% plural %}and {{ n }} more{% endblocktranslate %}</a>{% else %}{% blocktranslate count n=group.more %}and {{ n }} more{% plural %}and {{ n }} more{% endblocktranslate %}{% endif %}</p>{% endif %}
{% endfor %}
{% else %}<p>{% translate "Nothing awaits you. Work that needs you will appear here." %}</p>{% endif %}
""",
    "core/_panel_notifications.html": """{% load i18n %}
{% if panel.items %}
<ul class="news-items">
  {{ panel.rows }}
</ul>
{% else %}<p class="muted">{% translate "No unread news." %}</p>{% endif %}
<p><a href="{% url 'core:notifications' %}">{% translate "All news" %}</a></p>
""",
    "core/_panel_links.html": """{% if panel.text %}<p>{{ panel.text }}</p>{% endif %}
<ul>{% for label, url in panel.links %}<li><a href="{{ url }}">{{ label }}</a></li>{% endfor %}</ul>
""",
}

HOSTILE = ['<script>alert("x")</script>', "l'élan « {{ x }} » & co", "{% if %}", "\u202eRTL\u202c \u200bzero\u200b",
           "Только <b>", ""]


def _before_engine():
    """An engine reading the templates as they were (and every other template as it is)."""
    from django.template import engines

    django_engine = engines["django"].engine
    loaders = [("django.template.loaders.locmem.Loader", BEFORE), *django_engine.loaders]
    return Engine(dirs=django_engine.dirs, app_dirs=False, loaders=loaders, libraries=django_engine.libraries,
                  builtins=["django.templatetags.i18n"], autoescape=True, debug=False)


def _panels(k, text):
    """A set of panels of every kind written here and one rendered by its own template."""
    groups = [
        {"kind": f"Kind {text}", "rows": mark_safe(f"<li>{k}</li>"), "more": 0, "more_url": "/requests/?a=1&b=<2>"},
        {"kind": gettext_lazy("News"), "rows": mark_safe(""), "more": 1, "more_url": ""},
        {"kind": text, "rows": mark_safe("<li>x</li>"), "more": 1234 + k, "more_url": f"/x/?q={text}"},
        {"kind": "No more", "rows": mark_safe("<li>y</li>"), "more": 3, "more_url": None},
    ]
    return [
        {"title": gettext_lazy("Awaiting me"), "template": "core/_panel_tasks.html", "groups": groups[: k % 5],
         "wide": True, "count": (k * 997) % 3000},
        {"title": text, "template": "core/_panel_notifications.html", "items": [1] if k % 2 else [],
         "rows": mark_safe(f"<li>{k}</li>")},
        {"title": gettext_lazy("Actions needing attention"), "template": "actions/_panel_actions.html",
         "rows": mark_safe("<li>a</li>"), "more_url": f"/actions/?q={text}", "more_label": text},
        {"title": gettext_lazy("My account"), "template": "core/_panel_links.html", "text": text if k % 3 else "",
         "links": [(text, f"/p/?x={text}"), (gettext_lazy("People and roles"), "/people/")][: k % 3]},
        {"title": 7, "template": "core/_panel_links.html", "wide": k % 2 == 1, "count": 0, "links": []},
    ][: 5 - k % 2]


def test_the_sections_are_the_html_of_the_templates_they_replaced_in_the_five_languages(officer):
    before = _before_engine().from_string(SECTIONS_BEFORE)
    after = Template("{% load home_page %}{% home_sections panels %}")
    request = RequestFactory().get("/")
    request.user = officer
    compared = 0
    for language in LANGUAGES:
        with translation.override(language):
            for k, text in enumerate(HOSTILE):
                for panels in (_panels(k, text), _panels(k + 1, text)[1:], []):
                    context = {"panels": panels, "request": request, "user": officer}
                    expected = before.render(Context(context))
                    assert after.render(Context(context)) == expected, (language, text, panels)
                    compared += 1
    assert compared == len(LANGUAGES) * len(HOSTILE) * 3


def _without_one_time_keys(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


def test_the_home_page_is_the_page_it_was_for_each_role(officer, focal_point, committee_member, expert_user, observer,
                                                           admin_user):
    """The whole page, with the real panels of each role, against the page's template as it was."""
    from django.template import RequestContext, engines

    from pontis.core import registry

    page = get_template("core/home.html").template
    assert "{% home_sections panels %}" in page.source
    BEFORE["core/home.html"] = page.source.replace("{% home_sections panels %}", SECTIONS_BEFORE.replace(
        "{% load i18n %}", "", 1)).replace("{% load i18n home_page %}", "{% load i18n %}")
    try:
        engine = _before_engine()
        engine.context_processors = engines["django"].engine.context_processors
        before = engine.get_template("core/home.html")
        for user in (officer, focal_point, committee_member, expert_user, observer, admin_user):
            for language in LANGUAGES:
                with translation.override(language):
                    request = RequestFactory().get("/")
                    request.user = user
                    request.LANGUAGE_CODE = language
                    panels = registry.home_panels_for(request)
                    assert panels
                    shown = page.render(RequestContext(request, {"panels": panels}))
                    expected = before.render(RequestContext(request, {"panels": panels}))
                    assert "<section" in shown
                    assert _without_one_time_keys(shown) == _without_one_time_keys(expected), (user, language)
    finally:
        BEFORE.pop("core/home.html")

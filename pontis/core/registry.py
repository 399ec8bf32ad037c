"""How apps add to the shared shell without the shell knowing them.

Each app, in its AppConfig.ready(), registers:
- navigation entries: ``nav(label, url_name, roles=..., order=...)``
- home panels: ``home_panel(func, order=...)`` where ``func(request) -> dict | None`` answers
  ``{"title": ..., "template": ..., ...context}`` for what needs this person's attention, or None.
- demo loaders: ``demo_loader(func, order=...)`` called by ``manage.py load_demo`` in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(order=True)
class NavEntry:
    order: int
    label: object = field(compare=False)
    url_name: str = field(compare=False)
    roles: tuple = field(compare=False, default=())
    public: bool = field(compare=False, default=False)

    def visible_for(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return not self.roles or user.has_any_role(*self.roles)

    @property
    def url(self):
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


_nav: list[NavEntry] = []
_panels: list[tuple[int, object]] = []
_demo: list[tuple[int, str, object]] = []


def nav(label, url_name, *, roles=(), order=100, public=False):
    if any(entry.url_name == url_name for entry in _nav):
        return
    _nav.append(NavEntry(order, label, url_name, tuple(roles), public))
    _nav.sort()


def nav_for(user):
    return [entry for entry in _nav if entry.visible_for(user)]


def home_panel(func, *, order=100):
    if func not in [f for _o, f in _panels]:
        _panels.append((order, func))
        _panels.sort(key=lambda item: item[0])


def home_panels_for(request):
    panels = []
    for _order, func in _panels:
        panel = func(request)
        if panel:
            panels.append(panel)
    return panels


def demo_loader(name, func, *, order=100):
    if name not in [n for _o, n, _f in _demo]:
        _demo.append((order, name, func))
        _demo.sort(key=lambda item: item[0])


def demo_loaders():
    return [(name, func) for _o, name, func in _demo]

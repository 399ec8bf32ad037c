"""Who sees and changes panels: the public sees public panels, delegates their own panel, holders of the named
roles a roles-only panel; facility staff see and change every panel (``events.protection``)."""

from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff as _is_staff

from ..models import Panel
from ..protection import Visitor


@register
class PanelPolicy(Policy):
    model = Panel

    def visible_to(self, user):
        return Panel.objects.filter(Visitor(user).panel_q())

    def can_view(self, user, obj):
        return obj is not None and Visitor(user).can_see_panel(obj)

    def can_create(self, user, obj):
        return _is_staff(user)

    def can_change(self, user, obj):
        return _is_staff(user)

    def can_set_access(self, user, obj):
        return _is_staff(user)

"""Who opens and changes meeting materials: ``events.protection`` decides who opens one; facility staff upload,
change, delete them and set their access (a level wider than the meeting's needs their confirmation)."""

from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff as _is_staff

from ..models import Material
from ..protection import Visitor


@register
class MaterialPolicy(Policy):
    model = Material

    def visible_to(self, user):
        return Material.objects.filter(Visitor(user).material_q())

    def can_view(self, user, obj):
        return obj is not None and Visitor(user).can_open_material(obj)

    def can_create(self, user, obj):
        return _is_staff(user)

    def can_change(self, user, obj):
        return _is_staff(user)

    def can_delete(self, user, obj):
        return _is_staff(user)

    def can_set_access(self, user, obj):
        return _is_staff(user)

    def can_widen_access(self, user, obj):
        return _is_staff(user)

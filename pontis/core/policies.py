"""Core's own policies: the audit trail and notifications (registered when the app is ready, like every app's
``permissions.py``; ``core.permissions`` itself holds the primitives and imports no model)."""

from __future__ import annotations

from .models import AuditEvent, Notification
from .permissions import Policy, register
from .roles import is_staff


@register
class AuditEventPolicy(Policy):
    """The audit trail (an object's history, the access log): facility staff, who answer for the data."""

    model = AuditEvent

    def visible_to(self, user):
        return AuditEvent.objects.all() if is_staff(user) else AuditEvent.objects.none()

    def can_view_history(self, user, obj=None):
        return is_staff(user)

    def can_view_access_log(self, user, obj=None):
        return is_staff(user)


@register
class NotificationPolicy(Policy):
    """A notification is its recipient's alone."""

    model = Notification

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=user)

from django.utils.translation import gettext_lazy as _

from .models import Notification


def notifications_panel(request):
    items = list(Notification.objects.filter(recipient=request.user, read_at__isnull=True)[:5])
    return {"title": _("Awaiting me"), "template": "core/_panel_notifications.html", "items": items}

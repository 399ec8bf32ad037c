from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "pontis.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the policies)
        from .wiring import builder, distribution, indicators

        for part in (builder, distribution, indicators):
            part.register()

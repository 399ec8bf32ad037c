from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "pontis.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the policies)
        from .wiring import demo, library, meaning, portal, search, similar, thesaurus

        for part in (library, thesaurus, search, meaning, similar, portal, demo):
            part.register()

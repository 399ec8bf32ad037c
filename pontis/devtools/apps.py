from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """Tools for developers and operators measuring Pontis: stress data and the load benchmark's floor page.

    The top layer: it may import every app, and no app imports it.
    """

    name = "pontis.devtools"
    label = "devtools"
    verbose_name = _("Developer tools")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pontis.accounts"
    label = "accounts"
    verbose_name = _("Accounts and institutions")

    def ready(self):
        from pontis.core import registry

        from . import permissions  # noqa: F401  (registers policies)
        from .home import account_panel

        # Each link shows to the people its page lets in (the page's policy gate; core.registry.NavEntry).
        registry.nav(_("Institutions"), "accounts:institutions", order=80)
        registry.nav(_("People"), "accounts:people", order=90)
        registry.home_panel(account_panel, order=900)

        from .awaiting import role_tasks

        registry.task_provider(role_tasks, order=90)  # "Awaiting me": accounts with no role yet

        from .demo import load_foundation

        registry.demo_loader("foundation", load_foundation, order=10)

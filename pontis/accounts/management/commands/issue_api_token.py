from django.core.management.base import BaseCommand, CommandError

from pontis.accounts.models import User
from pontis.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Print a new API token for a user. Only its digest is stored: copy it now."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the user's e-mail address")
        parser.add_argument("--name", default="command line", help="a label to recognise the token by")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(email__iexact=options["user"].strip())
        except User.DoesNotExist:
            raise CommandError(f"No user with e-mail {options['user']!r}.")
        if not user.is_active:
            raise CommandError("This user is deactivated.")
        _token, raw = api_token_issue(user=user, name=options["name"])
        self.stdout.write(raw)

from django.core.management.base import BaseCommand, CommandError

from pontis.accounts.models import ApiToken
from pontis.accounts.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke API tokens: all of a user's, or one by its prefix."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="revoke every active token of this e-mail address")
        parser.add_argument("--prefix", help="revoke the token that starts with this prefix")

    def handle(self, *args, **options):
        tokens = ApiToken.objects.active()
        if options["user"]:
            tokens = tokens.filter(user__email__iexact=options["user"].strip())
        elif options["prefix"]:
            tokens = tokens.filter(key_prefix=options["prefix"].strip())
        else:
            raise CommandError("Give --user or --prefix.")
        count = 0
        for token in tokens.select_related("user"):
            api_token_revoke(token=token, by=token.user)
            count += 1
        self.stdout.write(f"{count} token(s) revoked.")

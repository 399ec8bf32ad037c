from django.core.management.base import BaseCommand

from pontis.experts.services import profiles_remind_reconfirmation


class Command(BaseCommand):
    help = "Ask experts whose profile was not confirmed for a year to update it (at most once a year each)."

    def handle(self, *args, **options):
        self.stdout.write(f"{profiles_remind_reconfirmation()} reminders sent.")

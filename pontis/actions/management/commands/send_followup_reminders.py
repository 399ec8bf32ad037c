from django.core.management.base import BaseCommand

from pontis.actions.services import followups_send_due_reminders


class Command(BaseCommand):
    help = "Remind partner focal points of outcome follow-ups that are due (each follow-up is reminded once)."

    def handle(self, *args, **options):
        sent = followups_send_due_reminders()
        self.stdout.write(f"{sent} follow-up reminder(s) sent.")

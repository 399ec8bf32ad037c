from django.core.management.base import BaseCommand

from pontis.core.periodic import periodic_enqueue_due


class Command(BaseCommand):
    help = "Queue the periodic tasks that are due (each at most once per period). run_worker does this every minute."

    def handle(self, *args, **options):
        queued = periodic_enqueue_due()
        self.stdout.write(f"{len(queued)} periodic task(s) queued" + (f": {', '.join(queued)}" if queued else "."))

from django.core.management.base import BaseCommand

from mentoring.digests import enqueue_due


class Command(BaseCommand):
    help = (
        "Queue the weekly digests that are due (from Monday 08:00 in each recipient's time zone) and not sent "
        "this week; the worker mails them. Run it hourly (cron); a second run the same week sends nothing twice."
    )

    def handle(self, *args, **options):
        count = enqueue_due()
        self.stdout.write(f"Queued {count} digest{'s' if count != 1 else ''}.")

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import Throttle


class Command(BaseCommand):
    help = "Delete rate-limit counters whose window has ended (run it daily, like clearsessions)."

    def handle(self, *args, **options):
        deleted, _ = Throttle.objects.filter(window_ends__lte=timezone.now()).delete()
        self.stdout.write(f"Deleted {deleted} ended rate-limit counter{'s' if deleted != 1 else ''}.")

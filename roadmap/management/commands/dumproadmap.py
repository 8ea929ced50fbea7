from pathlib import Path

from django.core.management.base import BaseCommand

from roadmap.content import DEFAULT_DIRECTORY, write_content
from roadmap.selectors import content_from_database


class Command(BaseCommand):
    help = "Write the roadmap content in the database back to the content files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, default=DEFAULT_DIRECTORY, help="content folder (default: roadmap/content)"
        )

    def handle(self, *args, directory, **options):
        for path in write_content(content_from_database(), directory):
            self.stdout.write(f"Wrote {path}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roadmap.content import DEFAULT_DIRECTORY, ContentError, read_content
from roadmap.services import load_content


class Command(BaseCommand):
    help = "Load the roadmap content files into the database (idempotent; topics are retired, never deleted)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, default=DEFAULT_DIRECTORY, help="content folder (default: roadmap/content)"
        )

    def handle(self, *args, directory, **options):
        try:
            content = read_content(directory)
        except ContentError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} problem(s) in the content files; nothing was loaded.") from None
        report = load_content(content=content)
        for line in report.lines():
            self.stdout.write(line)

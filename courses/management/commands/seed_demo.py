"""``manage.py seed_demo``: the demo site (content, organisations, demo users)."""

from django.core.management.base import BaseCommand

from courses.seeding import reset_demo, seed_demo, site_has_content


class Command(BaseCommand):
    help = "Build the demo content and the demo users (password changeme)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo content first, then rebuild.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has content (used by `make run`).",
        )

    def handle(self, *args, reset=False, if_empty=False, **options):
        if if_empty and not reset and site_has_content():
            self.stdout.write("Site already has content; seed_demo skipped.")
            return
        if reset:
            reset_demo()
            self.stdout.write("Demo content removed.")
        report = seed_demo()
        if not report.created:
            self.stdout.write("Demo content already present; nothing changed.")
            return
        for kind, count in sorted(report.created.items()):
            if count:
                self.stdout.write(f"  created {count} {kind}")
        self.stdout.write(self.style.SUCCESS("Demo content ready."))

"""``manage.py reminders_schedule``: make sure the daily reminder run is pending.

Run once after each deploy (``make run`` does): it enqueues one run of
``courses.tasks.reminders_daily`` at the next ``REMINDER_HOUR`` (local time) in the
background database backend unless one is already pending; every run schedules the
next. ``--now`` runs the daily work inline once instead (for cron, or a backend that
cannot defer tasks).
"""

from django.core.management.base import BaseCommand

from courses.services.reminders import next_run_at, reminders_schedule
from courses.tasks import reminders_daily


class Command(BaseCommand):
    help = "Ensure the daily assignment sync and reminder task is scheduled."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Run the daily sync and reminders inline once (for cron).",
        )

    def handle(self, *args, now=False, **options):
        if now:
            counts = reminders_daily.call()
            self.stdout.write(
                f"Enrolled {counts['enrolled']}, reminded {counts['sent']}, "
                f"skipped {counts['skipped']}."
            )
            return
        if reminders_schedule():
            self.stdout.write(
                f"Daily reminders scheduled for {next_run_at():%Y-%m-%d %H:%M}."
            )
        else:
            self.stdout.write("Daily reminders already scheduled (or not deferrable).")

"""Close and grade quiz attempts whose time limit has run out.

Attempts are also closed lazily whenever the learner or the admin looks at them; run
this from cron (e.g. every 5 minutes) so results and the grading queue are current
even for learners who never come back."""

from django.core.management.base import BaseCommand

from courses.services.quizzes import close_expired_attempts


class Command(BaseCommand):
    help = "Close and grade quiz attempts past their deadline."

    def handle(self, *args, **options):
        closed = close_expired_attempts()
        self.stdout.write(f"closed {closed} expired attempt(s)")

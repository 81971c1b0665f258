"""``manage.py flush_search_log``: write the search counts gathered in the cache to
the database now (searches flush them by themselves every
``SEARCH_LOG_FLUSH_SECONDS``); for cron or before a deploy."""

from django.core.management.base import BaseCommand

from home.search import querylog


class Command(BaseCommand):
    help = "Write the search counts gathered in the cache to the database."

    def handle(self, *args, **options):
        written = querylog.flush()
        self.stdout.write(f"Search log flushed: {written} searches.")

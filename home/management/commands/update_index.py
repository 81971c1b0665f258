"""``manage.py update_index``: Wagtail's index rebuild, then a fresh start for the
cached search rankings and anonymous pages, so the rebuilt index shows at once."""

from wagtail.search.management.commands.update_index import (
    Command as RebuildIndexCommand,
)

from portal.cache import invalidate_page_cache


class Command(RebuildIndexCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        invalidate_page_cache()

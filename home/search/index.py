"""Search fields that index a jieba-segmented copy of their value.

``SegmentedSearchField("body")`` indexes the words of ``body`` (for a StreamField, the
text of its blocks, never its JSON) separated by spaces, so the database's tokenizer
finds 退货 inside 如何办理退货流程. A segmented ``title`` keeps the field name
``title``, so the backends still store it in their title column (title weight on
PostgreSQL, column weight on SQLite, title length normalisation on both).

Every model searched through ``home.search`` declares its text fields this way: the
backend segments queries, so an unsegmented field would only match whole sentences.
"""

from wagtail.models import Page
from wagtail.search import index

from home.search.text import segment_for_index


class SegmentedSearchField(index.SearchField):
    def get_value(self, obj):
        return segment_for_index(super().get_value(obj))


class SegmentedAutocompleteField(index.AutocompleteField):
    def get_value(self, obj):
        return segment_for_index(super().get_value(obj))


TITLE_BOOST = 2


def segmented_page_search_fields(*fields) -> list:
    """``Page.search_fields`` (kept whole: Wagtail checks they are all there, and the
    unsegmented title still matches a query for the exact title) plus a segmented
    title and ``fields``."""
    return [
        *Page.search_fields,
        SegmentedSearchField("title", boost=TITLE_BOOST),
        SegmentedAutocompleteField("title"),
        *fields,
    ]

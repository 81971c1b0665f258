"""Query counts per page stay fixed whatever the number of lessons, items or chapters.

Each page is measured at two sizes; the count must be within the budget at both and
must not grow with the size. Responses are not kept in the page cache while measuring.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import FaqPage, HelpCentrePage, HomePage
from tests.factories.pages import (
    ArticlePageFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    FaqCategoryFactory,
    FaqItemFactory,
    FaqPageFactory,
    HandbookChapterPageFactory,
    HandbookPageFactory,
    LessonPageFactory,
)

PAGE_BUDGET = 15
SIZES = (3, 40)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Measure rendering: responses are not stored in the page cache."""
    settings.PAGE_CACHE_SECONDS = 0


def queries_for(client, url) -> int:
    """Queries of an uncached request in steady state: a first request warms the site
    root, menu and restriction caches and creates image renditions."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def build_course(size):
    index = CourseIndexPageFactory(parent=HomePage.objects.get())
    course = CoursePageFactory(parent=index)
    course.tags.add("测试", "保养")
    course.save_revision().publish()
    lessons = [LessonPageFactory(parent=course) for _ in range(size)]
    return index, course, lessons


def build_faq(size):
    faq = FaqPageFactory(parent=HomePage.objects.get())
    categories = [FaqCategoryFactory() for _ in range(4)]
    for number in range(size):
        item = FaqItemFactory(page=faq, category=categories[number % 4])
        item.tags.add(f"标签{number % 5}")
        item.save()
    return faq


def build_handbook(size):
    handbook = HandbookPageFactory(parent=HomePage.objects.get())
    chapters = []
    for number in range(size):
        parent = chapters[-1] if number % 3 == 2 else handbook
        chapters.append(HandbookChapterPageFactory(parent=parent))
    return handbook, chapters


def build_articles(size):
    help_centre = HelpCentrePage.objects.get()
    articles = []
    for _ in range(size):
        article = ArticlePageFactory(parent=help_centre)
        article.tags.add("测试", "配网")
        article.save_revision().publish()
        articles.append(article)
    return help_centre, articles


def assert_budget(counts):
    small, large = counts
    assert small <= PAGE_BUDGET, counts
    assert large <= small, f"query count grows with size: {counts}"


@pytest.mark.django_db
def test_course_and_lesson_pages(client, django_assert_max_num_queries):
    course_counts, lesson_counts, index_counts = [], [], []
    for size in SIZES:
        index, course, lessons = build_course(size)
        course_counts.append(queries_for(client, course.url))
        lesson_counts.append(queries_for(client, lessons[size // 2].url))
        index_counts.append(queries_for(client, index.url))
    assert_budget(course_counts)
    assert_budget(lesson_counts)
    assert_budget(index_counts)
    client.get(lessons[-1].url)
    with django_assert_max_num_queries(PAGE_BUDGET):
        client.get(lessons[-1].url)


@pytest.mark.django_db
def test_faq_page(client):
    counts = [queries_for(client, build_faq(size).url) for size in SIZES]
    assert_budget(counts)


@pytest.mark.django_db
def test_handbook_chapter_and_index(client):
    chapter_counts, index_counts = [], []
    for size in SIZES:
        handbook, chapters = build_handbook(size)
        chapter_counts.append(queries_for(client, chapters[size // 2].url))
        index_counts.append(queries_for(client, handbook.url))
    assert_budget(chapter_counts)
    assert_budget(index_counts)


@pytest.mark.django_db
def test_article_help_centre_and_home(client):
    article_counts, index_counts, home_counts = [], [], []
    for size in SIZES:
        help_centre, articles = build_articles(size)
        article_counts.append(queries_for(client, articles[0].url))
        index_counts.append(queries_for(client, help_centre.url))
        home_counts.append(queries_for(client, "/"))
    assert_budget(article_counts)
    assert_budget(index_counts)
    assert_budget(home_counts)


@pytest.mark.django_db
def test_demo_faq_page_within_budget(client, django_assert_max_num_queries):
    url = FaqPage.objects.get().url
    client.get(url)
    with django_assert_max_num_queries(PAGE_BUDGET):
        client.get(url)

"""Docs as courses: a lesson that is the reading of a help article or handbook
chapter (``LessonPage.study_page``). The lesson shows a 阅读材料 card; the article
shows enrolled learners a 完成阅读 panel whose POST completes the lesson (and so the
course) and comes back to the article; anonymous HTML (and the page cache) never
carries the panel; ``next`` never redirects off site; query budgets stay fixed."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrollment, LessonProgress
from courses.models.progress import EnrollmentStatus
from courses.services.progress import course_enroll
from home.models import HomePage
from tests.factories.pages import (
    ArticlePageFactory,
    HandbookChapterPageFactory,
    HandbookPageFactory,
    HelpCentrePageFactory,
    LessonPageFactory,
)
from tests.factories.progress import make_course, make_learner, restrict_to_groups

pytestmark = pytest.mark.django_db

PANEL = "的学习内容"


@pytest.fixture
def article():
    help_centre = HelpCentrePageFactory(parent=HomePage.objects.get(), slug="docs-help")
    return ArticlePageFactory(
        parent=help_centre, title="如何办理退货", summary="退货流程一览"
    )


@pytest.fixture
def course(article):
    course, _ = make_course(lessons=0, title="售后入门")
    lesson = LessonPageFactory(parent=course, title="阅读：退货", study_page=article)
    return course, lesson


@pytest.fixture
def learner(course):
    user = make_learner("docs-learner")
    course_enroll(user=user, course=course[0])
    return user


def test_completing_from_the_article_completes_lesson_and_course(
    client, article, course, learner
):
    course_page, lesson = course
    client.force_login(learner)
    response = client.get(article.url)
    html = response.content.decode()
    assert "本文是课程《售后入门》的学习内容" in html
    complete_url = reverse("courses:lesson_complete", args=[lesson.pk])
    assert f'action="{complete_url}"' in html
    assert "完成阅读" in html
    assert "private" in response["Cache-Control"]

    response = client.post(complete_url, {"next": article.url})
    assert response.status_code == 302
    assert response["Location"] == article.url
    assert (
        LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None
    )
    enrollment = Enrollment.objects.get(user=learner, course=course_page)
    assert enrollment.status == EnrollmentStatus.COMPLETED

    html = client.get(article.url).content.decode()
    assert "已完成" in html and "完成阅读" not in html
    # A repeated POST is harmless.
    assert client.post(complete_url, {"next": article.url}).status_code == 302
    assert LessonProgress.objects.filter(user=learner, lesson=lesson).count() == 1


def test_handbook_chapter_works_the_same(client):
    home = HomePage.objects.get()
    chapter = HandbookChapterPageFactory(
        parent=HandbookPageFactory(parent=home, slug="docs-handbook"),
        title="收银章节",
    )
    course, _ = make_course(lessons=0, title="收银课程")
    lesson = LessonPageFactory(parent=course, study_page=chapter)
    user = make_learner("docs-chapter")
    course_enroll(user=user, course=course)
    client.force_login(user)
    assert (
        "本文是课程《收银课程》的学习内容" in client.get(chapter.url).content.decode()
    )
    client.post(
        reverse("courses:lesson_complete", args=[lesson.pk]), {"next": chapter.url}
    )
    assert Enrollment.objects.get(user=user, course=course).status == "completed"


def test_learner_not_enrolled_sees_no_panel(client, article, course):
    client.force_login(make_learner("docs-stranger"))
    assert PANEL not in client.get(article.url).content.decode()


def test_withdrawn_enrolment_shows_no_panel(client, article, course, learner):
    Enrollment.objects.filter(user=learner).update(status=EnrollmentStatus.WITHDRAWN)
    client.force_login(learner)
    assert PANEL not in client.get(article.url).content.decode()


def test_anonymous_sees_no_panel_and_the_cache_holds_none(
    client, article, course, learner
):
    first = client.get(article.url)
    second = client.get(article.url)
    assert second.get("X-Shifu-Cache") == "hit"
    for response in (first, second):
        html = response.content.decode()
        assert PANEL not in html and "完成阅读" not in html
    # A learner's view is never stored, and the next visitor gets the cached page.
    client.force_login(learner)
    assert PANEL in client.get(article.url).content.decode()
    client.logout()
    cache_free = client.get(article.url)
    assert PANEL not in cache_free.content.decode()


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "http://evil.example", "javascript:x"],
)
def test_next_never_leaves_the_site(client, article, course, learner, target):
    _, lesson = course
    client.force_login(learner)
    response = client.post(
        reverse("courses:lesson_complete", args=[lesson.pk]), {"next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == lesson.url


def test_lesson_shows_the_reading_card(client, article, course, learner):
    _, lesson = course
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "阅读材料" in html and "如何办理退货" in html and "退货流程一览" in html
    assert f'href="{article.url}"' in html and "去阅读" in html
    assert "完成本课" in html  # the lesson's own flow stays


def test_reading_card_hidden_when_the_article_is_restricted(
    client, article, course, learner
):
    _, lesson = course
    restrict_to_groups(article, Group.objects.create(name="只限内部"))
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert "去阅读" not in html and "如何办理退货" not in html


def queries_for(client, url) -> int:
    cache.clear()  # never a page-cache hit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_budget(client, article):
    learner = make_learner("docs-budget")
    anonymous_before = queries_for(client, article.url)
    client.force_login(learner)
    queries_for(client, article.url)  # warm the session
    signed_in_before = queries_for(client, article.url)
    client.logout()

    for number in range(3):
        course, _ = make_course(lessons=0, title=f"预算课程{number}")
        LessonPageFactory(parent=course, study_page=article)
        course_enroll(user=learner, course=course)
    anonymous_after = queries_for(client, article.url)
    assert anonymous_after == anonymous_before

    client.force_login(learner)
    queries_for(client, article.url)
    signed_in_after = queries_for(client, article.url)
    html = client.get(article.url).content.decode()
    assert html.count(PANEL) == 3
    assert signed_in_after <= signed_in_before + 3

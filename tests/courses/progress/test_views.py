"""The progress endpoints and what the course and lesson pages show: enrol and
complete buttons, progress bar, ticks, 继续学习; anonymous pages unchanged; query
counts flat in the number of lessons."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models.progress import Enrollment, EnrollmentStatus, LessonProgress
from courses.services import progress
from tests.factories.progress import make_course, make_learner, restrict_to_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return make_learner()


@pytest.fixture
def course_and_lessons():
    return make_course(lessons=3)


def enrol_url(course):
    return reverse("courses:course_enroll", args=[course.pk])


def complete_url(lesson):
    return reverse("courses:lesson_complete", args=[lesson.pk])


def position_url(lesson):
    return reverse("courses:lesson_position", args=[lesson.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# Enrol -------------------------------------------------------------------------


def test_enrol_requires_login(client, course_and_lessons):
    course, _lessons = course_and_lessons
    response = client.post(enrol_url(course))
    assert response.status_code == 302
    assert "next=" in response.url
    assert not Enrollment.objects.filter(course=course).exists()


def test_enrol_post_only(client_for, learner, course_and_lessons):
    course, _lessons = course_and_lessons
    response = client_for(learner).get(enrol_url(course))
    assert response.status_code == 405
    assert not Enrollment.objects.filter(user=learner).exists()


def test_enrol_csrf_protected(learner, course_and_lessons):
    course, _lessons = course_and_lessons
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(enrol_url(course))
    assert response.status_code == 403
    assert not Enrollment.objects.filter(user=learner).exists()


def test_enrol_twice_is_harmless(client_for, learner, course_and_lessons):
    course, _lessons = course_and_lessons
    client = client_for(learner)
    response = client.post(enrol_url(course), follow=True)
    assert response.redirect_chain[-1][0] == course.url
    assert any("已报名" in m for m in messages_of(response))
    client.post(enrol_url(course))
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_enrol_404s(client_for, learner, course_and_lessons):
    course, lessons = course_and_lessons
    client = client_for(learner)
    assert (
        client.post(reverse("courses:course_enroll", args=[999999])).status_code == 404
    )
    # A lesson id is not a course.
    assert client.post(enrol_url(lessons[0])).status_code == 404
    restrict_to_groups(course, Group.objects.get(name="客服人员"))
    assert client.post(enrol_url(course)).status_code == 404
    assert not Enrollment.objects.filter(user=learner).exists()


# Complete ----------------------------------------------------------------------


def test_complete_requires_login(client, course_and_lessons):
    _course, lessons = course_and_lessons
    response = client.post(complete_url(lessons[0]))
    assert response.status_code == 302 and "next=" in response.url
    assert not LessonProgress.objects.filter(lesson=lessons[0]).exists()


def test_complete_csrf_and_post_only(client_for, learner, course_and_lessons):
    _course, lessons = course_and_lessons
    assert client_for(learner).get(complete_url(lessons[0])).status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(complete_url(lessons[0])).status_code == 403
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_complete_twice_is_harmless(client_for, learner, course_and_lessons):
    course, lessons = course_and_lessons
    client = client_for(learner)
    response = client.post(complete_url(lessons[0]), follow=True)
    assert response.redirect_chain[-1][0] == lessons[0].url
    assert "已完成本课。" in messages_of(response)
    first = LessonProgress.objects.get(user=learner, lesson=lessons[0])
    client.post(complete_url(lessons[0]))
    again = LessonProgress.objects.get(user=learner, lesson=lessons[0])
    assert again.completed_at == first.completed_at
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_completing_the_course_says_so(client_for, learner, course_and_lessons):
    course, lessons = course_and_lessons
    client = client_for(learner)
    for lesson in lessons[:-1]:
        client.post(complete_url(lesson))
    response = client.post(complete_url(lessons[-1]), follow=True)
    assert any("恭喜" in m for m in messages_of(response))
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_complete_404s(client_for, learner, course_and_lessons):
    course, lessons = course_and_lessons
    client = client_for(learner)
    assert client.post(complete_url(course)).status_code == 404
    assert (
        client.post(reverse("courses:lesson_complete", args=[999999])).status_code
        == 404
    )
    restrict_to_groups(course, Group.objects.get(name="客服人员"))
    assert client.post(complete_url(lessons[0])).status_code == 404
    lessons[1].unpublish()
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_only_own_progress_changes(client_for, learner, course_and_lessons):
    course, lessons = course_and_lessons
    other = make_learner("other")
    progress.lesson_mark_complete(user=other, lesson=lessons[0])
    before = list(LessonProgress.objects.filter(user=other).values())
    client = client_for(learner)
    # Whatever the request says about users, the session decides.
    client.post(complete_url(lessons[1]), {"user": other.pk, "user_id": other.pk})
    client.post(enrol_url(course), {"user": other.pk})
    assert list(LessonProgress.objects.filter(user=other).values()) == before
    assert set(
        LessonProgress.objects.filter(user=learner).values_list("lesson", flat=True)
    ) == {lessons[1].pk}


# Position (script) -------------------------------------------------------------


def test_position_endpoint(client, client_for, learner, course_and_lessons):
    _course, lessons = course_and_lessons
    url = position_url(lessons[0])
    assert client.post(url, {"position": "50"}).status_code == 403
    client = client_for(learner)
    response = client.post(url, {"position": "50", "seconds": "99999"})
    assert response.status_code == 200
    assert response.json() == {"position": 50, "seconds": 3600, "completed": False}
    assert client.post(url, {"position": "-3"}).status_code == 400
    assert client.post(url, {"position": "x" * 100}).status_code == 400
    assert client.get(url).status_code == 405


# Pages -------------------------------------------------------------------------


def test_anonymous_course_page_has_no_progress(client, course_and_lessons):
    course, lessons = course_and_lessons
    html = client.get(course.url).content.decode()
    assert "报名学习" not in html and "csrfmiddlewaretoken" not in html
    assert "progress.css" not in html and "lesson-tick" not in html
    html = client.get(lessons[0].url).content.decode()
    assert "完成本课" not in html and "csrfmiddlewaretoken" not in html


def test_course_page_for_learner(client_for, learner, course_and_lessons):
    course, lessons = course_and_lessons
    client = client_for(learner)
    html = client.get(course.url).content.decode()
    assert "报名学习" in html and enrol_url(course) in html
    assert ">继续学习</a>" not in html
    progress.lesson_mark_complete(user=learner, lesson=lessons[0])
    response = client.get(course.url)
    html = response.content.decode()
    assert "报名学习" not in html
    assert "已完成 1/3 课时" in html
    assert ">继续学习</a>" in html and lessons[1].url in html
    assert html.count('class="lesson-tick"') == 1
    assert 'value="33"' in html
    assert "private" in response.get("Cache-Control", "")


def test_lesson_page_for_learner(client_for, learner, course_and_lessons):
    _course, lessons = course_and_lessons
    client = client_for(learner)
    html = client.get(lessons[0].url).content.decode()
    assert ">完成本课</button>" in html and complete_url(lessons[0]) in html
    client.post(complete_url(lessons[0]))
    html = client.get(lessons[0].url).content.decode()
    assert ">完成本课</button>" not in html and "progress-status-done" in html
    assert lessons[1].url in html and "下一课" in html


def test_course_page_queries_flat_with_progress(client_for, learner, settings):
    """Signed-in course and lesson pages with progress: same queries at 3 and 30
    lessons."""
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(learner)
    counts = []
    for size in (3, 30):
        course, lessons = make_course(lessons=size)
        for lesson in lessons[: size - 1]:
            progress.lesson_mark_complete(user=learner, lesson=lesson)
        row = []
        for url in (course.url, lessons[size // 2].url):
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
            row.append(len(captured.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1], counts

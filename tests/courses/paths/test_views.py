"""The path page (stages, states, progress, the enrol button, anonymous caching,
query budget), enrolling through the page's POST, and the mentor sign-off list and
form (/learn/signoffs/): who sees what, CSRF, idempotency."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models.paths import PathEnrollment, StageSignOff
from courses.services.paths import path_enroll
from portal.cache import CACHE_HEADER
from tests.courses.paths.builders import (
    courses_of,
    finish_course,
    make_path,
    stages_of,
    user_in,
)
from tests.factories.progress import restrict_to_groups

pytestmark = pytest.mark.django_db

SIGNOFFS = "/learn/signoffs/"


@pytest.fixture
def learner():
    return user_in("page-learner", "客服人员")


@pytest.fixture
def mentor():
    return user_in("page-mentor", "客服人员")


@pytest.fixture
def path():
    return make_path(
        {"courses": 1, "title": "入职须知"},
        {"courses": 1, "task": "师傅旁看", "title": "跟岗"},
        {"courses": 1, "title": "独立上岗"},
    )


def enrol_url(path) -> str:
    return reverse("courses:path_enroll", args=[path.pk])


def signoff_url(enrollment, stage) -> str:
    return reverse("courses:signoff", args=[enrollment.pk, stage.pk])


# -- the page ----------------------------------------------------------------------


def test_anonymous_sees_stages_and_courses_without_progress(client, path):
    response = client.get(path.url)
    assert response.status_code == 200
    html = response.content.decode()
    for stage in stages_of(path):
        assert stage.title in html
        assert courses_of(stage)[0].title in html
    assert "师傅旁看" in html
    assert "我的路径进度" not in html
    assert "未解锁" not in html
    assert "csrfmiddlewaretoken" not in html
    assert "登录后报名学习路径" in html


def test_anonymous_page_is_cached(client, path):
    client.get(path.url)
    again = client.get(path.url)
    assert again.status_code == 200
    assert again.headers.get(CACHE_HEADER) == "hit"


def test_signed_in_not_enrolled_gets_the_enrol_button(client, learner, path):
    client.force_login(learner)
    html = client.get(path.url).content.decode()
    assert "报名学习路径" in html
    assert enrol_url(path) in html


def test_enrol_through_the_page_post(client, learner, path):
    client.force_login(learner)
    response = client.post(enrol_url(path))
    assert response.status_code == 302
    assert response.url == path.url
    enrollment = PathEnrollment.objects.get(user=learner, path=path)
    assert enrollment.current_stage == stages_of(path)[0]
    # Twice: still one enrolment.
    client.post(enrol_url(path))
    assert PathEnrollment.objects.filter(user=learner).count() == 1


def test_enrol_requires_post_and_sign_in(client, path):
    assert client.get(enrol_url(path)).status_code == 405
    response = client.post(enrol_url(path))
    assert response.status_code == 302
    assert "login" in response.url
    assert not PathEnrollment.objects.exists()


def test_enrol_is_csrf_protected(learner, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(enrol_url(path)).status_code == 403
    assert not PathEnrollment.objects.exists()


def test_restricted_path_answers_404_to_customers(client, path):
    restrict_to_groups(path, Group.objects.get(name="客服人员"))
    customer = user_in("page-customer", "客户")
    client.force_login(customer)
    assert client.post(enrol_url(path)).status_code == 404
    assert client.get(path.url).status_code in (302, 403, 404)
    assert not PathEnrollment.objects.exists()


def test_unknown_path_answers_404(client, learner):
    client.force_login(learner)
    assert client.post("/learn/paths/999999/enroll/").status_code == 404


def test_page_shows_states_progress_and_sign_off(client, learner, mentor, path):
    first, second, third = stages_of(path)
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    finish_course(learner, courses_of(first)[0])
    finish_course(learner, courses_of(second)[0])
    client.force_login(learner)
    html = client.get(path.url).content.decode()
    assert "已完成 1/3 个阶段" in html
    assert html.count("path-stage-done") == 1
    assert html.count("path-stage-current") == 1
    assert html.count("path-stage-locked") == 1
    assert "等待师傅或讲师签字确认" in html
    assert "已完成 1/1 课时" in html
    assert "报名学习路径" not in html
    enrollment.refresh_from_db()
    from courses.services.paths import stage_sign_off

    stage_sign_off(enrollment=enrollment, stage=second, by=mentor, note="旁看认真")
    html = client.get(path.url).content.decode()
    assert "已完成 2/3 个阶段" in html
    assert "page-mentor" in html
    assert "旁看认真" in html
    assert html.count("path-stage-current") == 1


def test_signed_in_page_is_private(client, learner, path):
    client.force_login(learner)
    response = client.get(path.url)
    assert response.headers.get(CACHE_HEADER) != "hit"
    client.get(path.url)
    assert client.get(path.url).headers.get(CACHE_HEADER) != "hit"


def test_course_the_learner_may_not_open_is_flagged(client, learner, path):
    course = courses_of(stages_of(path)[0])[0]
    restrict_to_groups(course, Group.objects.get(name="培训管理员"))
    client.force_login(learner)
    html = client.get(path.url).content.decode()
    assert "你无权访问此课程" in html


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [True, False])
def test_page_queries_do_not_grow_with_stages(client, learner, mentor, signed_in):
    small = make_path({"courses": 1}, {"courses": 1, "task": "旁看"}, title="小")
    big = make_path(
        *[{"courses": 3, "lessons": 2, "task": "旁看"} for _ in range(8)], title="大"
    )
    if signed_in:
        client.force_login(learner)
        for path in (small, big):
            enrollment = path_enroll(user=learner, path=path, mentor=mentor)
            for course in courses_of(stages_of(path)[0]):
                finish_course(learner, course)
            enrollment.refresh_from_db()
    _page_queries(client, small.url)  # warm the site-root and restriction caches
    from django.core.cache import cache

    cache.clear()
    budget_small = _page_queries(client, small.url)
    cache.clear()
    budget_big = _page_queries(client, big.url)
    assert budget_big <= budget_small


# -- the mentor sign-off list ---------------------------------------------------


@pytest.fixture
def waiting(learner, mentor):
    """Two learners at a task stage, ``learner`` mentored by ``mentor``."""
    path = make_path({"task": "师傅旁看"}, {"courses": 1}, title="跟岗路径")
    other = user_in("page-other-learner", "客服人员")
    mine = path_enroll(user=learner, path=path, mentor=mentor)
    theirs = path_enroll(user=other, path=path)
    return path, mine, theirs


def test_mentor_sees_only_their_mentees(client, mentor, waiting):
    _path, mine, theirs = waiting
    client.force_login(mentor)
    response = client.get(SIGNOFFS)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    assert "page-learner" in html
    assert "page-other-learner" not in html


def test_trainer_sees_everyone_waiting(client, waiting):
    trainer = user_in("page-trainer", "讲师")
    client.force_login(trainer)
    html = client.get(SIGNOFFS).content.decode()
    assert "page-learner" in html
    assert "page-other-learner" in html


def test_others_get_404(client, learner, waiting):
    client.force_login(user_in("page-staff", "客服人员"))
    assert client.get(SIGNOFFS).status_code == 404
    client.force_login(learner)
    assert client.get(SIGNOFFS).status_code == 404


def test_anonymous_is_sent_to_login(client, waiting):
    response = client.get(SIGNOFFS)
    assert response.status_code == 302
    assert "login" in response.url


def test_mentor_signs_off_idempotently(client, mentor, waiting):
    path, mine, _theirs = waiting
    stage = stages_of(path)[0]
    client.force_login(mentor)
    for _ in range(2):
        response = client.post(signoff_url(mine, stage), {"note": "表现很好"})
        assert response.status_code == 302
    signoff = StageSignOff.objects.get()
    assert signoff.signed_off_by == mentor
    assert signoff.note == "表现很好"
    mine.refresh_from_db()
    assert mine.current_stage == stages_of(path)[1]


def test_mentor_cannot_sign_off_someone_elses_mentee(client, mentor, waiting):
    path, _mine, theirs = waiting
    client.force_login(mentor)
    response = client.post(signoff_url(theirs, stages_of(path)[0]), {"note": ""})
    assert response.status_code == 404
    assert not StageSignOff.objects.exists()


def test_other_staff_get_404(client, waiting):
    path, mine, _theirs = waiting
    client.force_login(user_in("page-staff", "客服人员"))
    response = client.post(signoff_url(mine, stages_of(path)[0]))
    assert response.status_code == 404
    assert not StageSignOff.objects.exists()


def test_trainer_signs_off_anyone(client, waiting):
    path, _mine, theirs = waiting
    client.force_login(user_in("page-trainer", "讲师"))
    client.post(signoff_url(theirs, stages_of(path)[0]))
    assert StageSignOff.objects.get().enrollment == theirs


def test_sign_off_is_csrf_protected(mentor, waiting):
    path, mine, _theirs = waiting
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor)
    assert client.post(signoff_url(mine, stages_of(path)[0])).status_code == 403
    assert not StageSignOff.objects.exists()


def test_sign_off_get_is_refused(client, mentor, waiting):
    path, mine, _theirs = waiting
    client.force_login(mentor)
    assert client.get(signoff_url(mine, stages_of(path)[0])).status_code == 405


def test_too_long_note_is_refused_with_a_message(client, mentor, waiting):
    path, mine, _theirs = waiting
    client.force_login(mentor)
    response = client.post(
        signoff_url(mine, stages_of(path)[0]), {"note": "长" * 2001}, follow=True
    )
    assert response.status_code == 200
    assert "评语最多 2000 字" in response.content.decode()
    assert not StageSignOff.objects.exists()


def test_stage_of_another_path_answers_404(client, mentor, waiting):
    _path, mine, _theirs = waiting
    other = make_path({"task": "x"}, title="别的路径")
    client.force_login(mentor)
    response = client.post(signoff_url(mine, stages_of(other)[0]))
    assert response.status_code == 404


HUGE = 99999999999999999999


def test_malformed_ids_answer_404(client, learner, mentor, waiting):
    path, mine, _theirs = waiting
    stage = stages_of(path)[0]
    client.force_login(mentor)
    for url in (
        f"/learn/paths/{HUGE}/enroll/",
        f"/learn/signoffs/{HUGE}/{stage.pk}/",
        f"/learn/signoffs/{mine.pk}/{HUGE}/",
        "/learn/signoffs/abc/1/",
    ):
        assert client.post(url, {"note": ""}).status_code == 404, url


def test_unpermitted_long_note_answers_404_like_unknown_ids(client, waiting):
    path, mine, _theirs = waiting
    client.force_login(user_in("page-staff", "客服人员"))
    response = client.post(signoff_url(mine, stages_of(path)[0]), {"note": "长" * 2001})
    assert response.status_code == 404


def test_trainer_does_not_see_or_sign_their_own_task(client, waiting):
    path, _mine, _theirs = waiting
    trainer = user_in("page-trainer", "讲师")
    own = path_enroll(user=trainer, path=path)
    client.force_login(trainer)
    assert "page-trainer" not in client.get(SIGNOFFS).content.decode()
    assert client.post(signoff_url(own, stages_of(path)[0])).status_code == 404
    assert not StageSignOff.objects.filter(enrollment=own).exists()

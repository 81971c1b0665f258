"""Taking a quiz through the site: the panel on lesson and course pages, starting,
saving, submitting, the result page, time limits, attempt limits, cool-down,
audience, caching, CSRF and query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import (
    AttemptStatus,
    CloseReason,
    QuestionKind,
    QuizAnswer,
    QuizAttempt,
    ReviewPolicy,
)
from courses.models.pages import Audience
from courses.selectors.quiz_panel import quiz_panel
from courses.services.quizzes import (
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_eligibility,
    quiz_grant_attempts,
)
from home.models import HomePage
from tests.factories.pages import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.factories.quizzes import correct_form_data, make_quiz, single_choice_bank

PAGE_BUDGET = 15


# -- helpers shared with test_quiz_leak.py and test_quiz_malformed.py --------------


def make_learner(username: str = "quiz-learner", group: str = "客户"):
    user = get_user_model().objects.create_user(username, password="pw-for-tests")
    user.groups.add(Group.objects.get(name=group))
    return user


def course_with_quiz(quiz, *, on_course: bool = False):
    """A fresh course with one lesson; the quiz on the lesson (or on the course)."""
    index = CourseIndexPageFactory(parent=HomePage.objects.get())
    course = CoursePageFactory(parent=index, quiz=quiz if on_course else None)
    lesson = LessonPageFactory(parent=course, quiz=None if on_course else quiz)
    return course, lesson


def start_url(quiz) -> str:
    return reverse("courses:quiz_start", args=[quiz.pk])


def attempt_url(attempt) -> str:
    return reverse("courses:attempt", args=[attempt.pk])


def save_url(attempt) -> str:
    return reverse("courses:attempt_save", args=[attempt.pk])


def result_url(attempt) -> str:
    return reverse("courses:attempt_result", args=[attempt.pk])


def start(client, quiz, page):
    """POST the panel's start form; returns the attempt (or None) and the response."""
    response = client.post(start_url(quiz), {"page_id": page.pk})
    attempt = (
        QuizAttempt.objects.filter(quiz=quiz, status=AttemptStatus.IN_PROGRESS)
        .order_by("-pk")
        .first()
    )
    return attempt, response


def form(attempt, answers=None, action="save", revision=None) -> dict:
    attempt.refresh_from_db()
    data = dict(answers or {})
    data["revision"] = str(attempt.revision if revision is None else revision)
    if action is not None:
        data["action"] = action
    return data


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def answers_snapshot(attempt) -> list:
    return list(
        QuizAnswer.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("selected_choices", "text_answer", "score")
    )


# -- fixtures -----------------------------------------------------------------------


@pytest.fixture
def learner(db):
    return make_learner()


@pytest.fixture
def quiz(db):
    return make_quiz(pass_mark=85)


@pytest.fixture
def lesson(quiz):
    return course_with_quiz(quiz)[1]


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


# -- the panel ------------------------------------------------------------------------


def test_anonymous_panel_shows_the_quiz_and_a_login_link(client, lesson, quiz):
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert quiz.title in html
    assert "登录后参加测验" in html
    assert f'href="/accounts/login/?next={lesson.url}"' in html
    assert "开始测验" not in html and "csrfmiddlewaretoken" not in html
    # The same for every visitor, so it may be cached for anonymous visitors.
    assert response["X-Shifu-Cache"] == "miss"
    assert client.get(lesson.url)["X-Shifu-Cache"] == "hit"


def test_course_page_shows_its_final_exam(client, quiz):
    course, _lesson = course_with_quiz(quiz, on_course=True)
    html = client.get(course.url).content.decode()
    assert "结业考试" in html and quiz.title in html and "登录后参加测验" in html


def test_signed_in_panel_is_private_and_never_served_to_others(client, lesson, learner):
    anonymous = client.get(lesson.url)  # fills the anonymous cache
    assert anonymous["X-Shifu-Cache"] == "miss"
    client.force_login(learner)
    mine = client.get(lesson.url)
    html = mine.content.decode()
    assert "private" in mine["Cache-Control"]
    assert "X-Shifu-Cache" not in mine
    assert "开始测验" in html and "登录后参加测验" not in html
    client.post(start_url(lesson.quiz), {"page_id": lesson.pk})
    assert "继续作答" in client.get(lesson.url).content.decode()
    client.logout()
    again = Client().get(lesson.url)
    assert again["X-Shifu-Cache"] == "hit"
    assert "继续作答" not in again.content.decode()
    assert "登录后参加测验" in again.content.decode()


def test_panel_lists_attempts_best_result_and_links(signed_in, lesson, quiz, learner):
    quiz.questions.filter(kind=QuestionKind.SHORT_ANSWER).delete()
    attempt, _ = start(signed_in, quiz, lesson)
    signed_in.post(
        attempt_url(attempt), form(attempt, correct_form_data(attempt), "submit")
    )
    second, _ = start(signed_in, quiz, lesson)
    signed_in.post(attempt_url(second), form(second, {}, "submit"))
    html = signed_in.get(lesson.url).content.decode()
    assert "第 1 次" in html and "第 2 次" in html
    assert result_url(attempt) in html and result_url(second) in html
    assert "100.0%" in html and "0.0%" in html
    assert "优秀" in html and "不合格" in html
    assert "最好成绩" in html and "已通过" in html
    assert "已用 2 次（不限次数）" in html


def test_pending_review_attempt_shows_pending_in_panel(signed_in, lesson, quiz):
    attempt, _ = start(signed_in, quiz, lesson)
    signed_in.post(
        attempt_url(attempt), form(attempt, correct_form_data(attempt), "submit")
    )
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PENDING_REVIEW
    assert "待评分" in signed_in.get(lesson.url).content.decode()
    result = signed_in.get(result_url(attempt)).content.decode()
    assert "待评分" in result and "简答题由讲师评分" in result


# -- starting -------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, lesson, quiz, learner):
    response = client.post(start_url(quiz), {"page_id": lesson.pk})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=" in response.url
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()
    attempt = quiz_attempt_start(quiz=quiz, user=learner, page=lesson)
    for url in (attempt_url(attempt), result_url(attempt)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert client.post(save_url(attempt), {"revision": "0"}).status_code == 401


def test_start_requires_post(signed_in, quiz):
    assert signed_in.get(start_url(quiz)).status_code == 405


def test_start_checks_the_page_really_carries_the_quiz(signed_in, lesson, quiz):
    other_quiz = make_quiz(title="另一个测验")
    _course, other_lesson = course_with_quiz(other_quiz)
    cases = [
        {"page_id": other_lesson.pk},  # a page with another quiz
        {"page_id": lesson.get_parent().pk},  # the course, which has no quiz
        {"page_id": "abc"},
        {"page_id": "１"},
        {},
    ]
    for data in cases:
        assert signed_in.post(start_url(quiz), data).status_code == 404, data
    lesson.unpublish()
    assert signed_in.post(start_url(quiz), {"page_id": lesson.pk}).status_code == 404
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()


def test_start_refused_on_a_page_the_learner_may_not_view(signed_in, lesson, quiz):
    restriction = PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="客服人员"))
    response = signed_in.post(start_url(quiz), {"page_id": lesson.pk})
    assert response.status_code == 404
    assert not QuizAttempt.objects.filter(quiz=quiz).exists()


def test_start_resumes_the_open_attempt(signed_in, lesson, quiz):
    first, response = start(signed_in, quiz, lesson)
    assert response.status_code == 302 and response.url == attempt_url(first)
    second, response = start(signed_in, quiz, lesson)
    assert first.pk == second.pk and response.url == attempt_url(first)


def test_staff_only_quiz_refused_for_the_customer(client, customer, staff):
    quiz = make_quiz(audience=Audience.STAFF)
    _course, lesson = course_with_quiz(quiz)
    client.force_login(customer)
    html = client.get(lesson.url).content.decode()
    assert quiz.title not in html and "开始测验" not in html
    response = client.post(start_url(quiz), {"page_id": lesson.pk})
    assert response.status_code == 302 and response.url == lesson.url + "#quiz"
    assert "该测验仅面向员工。" in flash(response)
    assert not QuizAttempt.objects.filter(quiz=quiz, user=customer).exists()
    client.force_login(staff)
    assert "开始测验" in client.get(lesson.url).content.decode()
    attempt, response = start(client, quiz, lesson)
    assert attempt is not None and attempt.user == staff


# -- taking the attempt ---------------------------------------------------------------


def test_attempt_page_renders_every_kind_of_question(signed_in, lesson, quiz):
    attempt, _ = start(signed_in, quiz, lesson)
    response = signed_in.get(attempt_url(attempt))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('type="radio" name="a1"') == 3  # single choice
    assert html.count('type="checkbox" name="a2"') == 3  # multiple choice
    assert html.count('type="radio" name="a3"') == 2  # true / false
    assert 'type="text" id="a4-text" name="a4"' in html  # fill in the blank
    assert '<textarea id="a5-text" name="a5"' in html  # short answer
    assert 'name="revision" value="0"' in html
    assert 'value="save"' in html and 'value="submit"' in html
    assert "js/quiz.js" in html
    assert html.count("<fieldset") == 5 and html.count("<legend") == 5
    assert "已答 <strong data-answered>0</strong> / 5 题" in html
    assert "2 分" in html
    assert "data-remaining" not in html  # no time limit, no countdown


def test_start_save_reload_submit_result(signed_in, lesson, quiz, learner):
    attempt, _ = start(signed_in, quiz, lesson)
    correct = correct_form_data(attempt)
    partial = {"a1": correct["a1"], "a4": ["九点"]}
    response = signed_in.post(attempt_url(attempt), form(attempt, partial))
    assert response.status_code == 302 and response.url == attempt_url(attempt)
    assert "已保存" in flash(response)
    attempt.refresh_from_db()
    assert attempt.revision == 1 and attempt.is_open
    html = signed_in.get(attempt_url(attempt)).content.decode()
    assert f'name="a1" value="{correct["a1"][0]}" checked' in html
    assert 'value="九点"' in html
    assert 'name="revision" value="1"' in html
    assert "已答 <strong data-answered>2</strong> / 5 题" in html

    response = signed_in.post(attempt_url(attempt), form(attempt, correct, "submit"))
    assert response.status_code == 302 and response.url == result_url(attempt)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PENDING_REVIEW
    assert attempt.close_reason == CloseReason.SUBMITTED
    assert attempt.score == Decimal("8")
    result = signed_in.get(response.url)
    html = result.content.decode()
    assert result.status_code == 200
    assert "待评分" in html and "提交" in html and "用时" in html
    assert "剩余作答次数：不限" in html
    assert "重新作答" in html  # unlimited attempts, no cool-down


def test_result_page_passed_grade_band_review_and_retake(signed_in, lesson, quiz):
    quiz.questions.filter(kind=QuestionKind.SHORT_ANSWER).delete()
    attempt, _ = start(signed_in, quiz, lesson)
    signed_in.post(
        attempt_url(attempt), form(attempt, correct_form_data(attempt), "submit")
    )
    response = signed_in.get(result_url(attempt))
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "100.0%" in html and "通过 · 优秀" in html
    assert "8 / 8 分" in html
    assert "解析：滤芯建议多久更换一次？" in html  # review after each attempt
    assert "正确答案" in html and "你的选择" in html
    assert "参考答案：" in html and "9点" in html
    assert "重新作答" in html and f'name="page_id" value="{lesson.pk}"' in html
    assert lesson.url + "#quiz" in html


def test_result_page_hides_review_when_not_allowed(signed_in, lesson, quiz):
    quiz.review_policy = ReviewPolicy.NEVER
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    signed_in.post(attempt_url(attempt), form(attempt, {}, "submit"))
    html = signed_in.get(result_url(attempt)).content.decode()
    assert "本测验不公开答案解析。" in html
    assert "解析：滤芯" not in html and "正确答案" not in html
    quiz.review_policy = ReviewPolicy.AFTER_PASS
    quiz.save()
    html = signed_in.get(result_url(attempt)).content.decode()
    assert "通过测验后可以查看答案解析。" in html and "解析：滤芯" not in html


def test_result_of_an_open_attempt_goes_to_the_attempt(signed_in, lesson, quiz):
    attempt, _ = start(signed_in, quiz, lesson)
    response = signed_in.get(result_url(attempt))
    assert response.status_code == 302 and response.url == attempt_url(attempt)


def test_closed_attempt_page_goes_to_the_result(signed_in, lesson, quiz):
    attempt, _ = start(signed_in, quiz, lesson)
    signed_in.post(attempt_url(attempt), form(attempt, {}, "submit"))
    response = signed_in.get(attempt_url(attempt))
    assert response.status_code == 302 and response.url == result_url(attempt)


def test_double_submit_is_told_and_changes_nothing(signed_in, lesson, quiz):
    attempt, _ = start(signed_in, quiz, lesson)
    correct = correct_form_data(attempt)
    data = form(attempt, correct, "submit")
    first = signed_in.post(attempt_url(attempt), data)
    attempt.refresh_from_db()
    before = (attempt.score, attempt.status, attempt.revision, attempt.submitted_at)
    snapshot = answers_snapshot(attempt)
    # The replay (Back + resubmit, a double click) and a changed resubmission.
    replay = signed_in.post(attempt_url(attempt), data)
    changed = signed_in.post(attempt_url(attempt), form(attempt, {}, "submit"))
    for response in (replay, changed):
        assert response.status_code == 302 and response.url == result_url(attempt)
        assert "本次作答已经提交过了。" in flash(response)
    assert first.url == result_url(attempt)
    attempt.refresh_from_db()
    assert (
        attempt.score,
        attempt.status,
        attempt.revision,
        attempt.submitted_at,
    ) == before
    assert answers_snapshot(attempt) == snapshot
    saved = signed_in.post(save_url(attempt), form(attempt, {}, None))
    assert saved.status_code == 410
    assert saved.json()["result_url"] == result_url(attempt)


def test_stale_form_does_not_overwrite_newer_answers(signed_in, lesson, quiz):
    attempt, _ = start(signed_in, quiz, lesson)
    old_form_revision = 0
    signed_in.post(attempt_url(attempt), form(attempt, {"a1": ["1"], "a4": ["新答案"]}))
    attempt.refresh_from_db()
    assert attempt.revision == 1
    snapshot = answers_snapshot(attempt)
    for action in ("save", "submit"):
        response = signed_in.post(
            attempt_url(attempt),
            form(attempt, {"a1": ["2"], "a4": ["旧答案"]}, action, old_form_revision),
        )
        assert response.status_code == 302 and response.url == attempt_url(attempt)
        assert "答卷已在其他窗口更新" in " ".join(flash(response))
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.revision == 1
    assert answers_snapshot(attempt) == snapshot
    stale = signed_in.post(
        save_url(attempt), form(attempt, {"a1": ["0"]}, None, old_form_revision)
    )
    assert stale.status_code == 409 and "答卷已在其他窗口更新" in stale.json()["error"]
    assert answers_snapshot(attempt) == snapshot


def test_autosave_answers_json_and_persists(signed_in, lesson, quiz):
    attempt, _ = start(signed_in, quiz, lesson)
    response = signed_in.post(
        save_url(attempt), form(attempt, {"a1": ["0"], "a2": ["0", "2"]}, None)
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    data = response.json()
    assert set(data) == {"revision", "saved_at", "answered"}
    assert data["revision"] == 1 and data["answered"] == 2
    answer = attempt.answers.get(position=2)
    assert answer.selected_choices == [answer.choice_order[0], answer.choice_order[2]]
    # Saving the same answers again changes nothing, not even the revision.
    again = signed_in.post(
        save_url(attempt), form(attempt, {"a1": ["0"], "a2": ["0", "2"]}, None)
    )
    assert again.json()["revision"] == 1


def test_attempt_responses_are_private_and_uncached(signed_in, lesson, quiz):
    attempt, response = start(signed_in, quiz, lesson)
    responses = [
        response,
        signed_in.get(attempt_url(attempt)),
        signed_in.post(attempt_url(attempt), form(attempt, {"a1": ["0"]})),
        signed_in.post(attempt_url(attempt), {"revision": "x", "action": "save"}),
        signed_in.post(save_url(attempt), form(attempt, {}, None)),
        signed_in.post(attempt_url(attempt), form(attempt, {}, "submit")),
        signed_in.get(result_url(attempt)),
    ]
    for response in responses:
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control
        assert "X-Shifu-Cache" not in response


def test_csrf_is_required_everywhere(lesson, quiz, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(start_url(quiz), {"page_id": lesson.pk}).status_code == 403
    attempt = quiz_attempt_start(quiz=quiz, user=learner, page=lesson)
    data = form(attempt, {"a1": ["0"]})
    assert client.post(attempt_url(attempt), data).status_code == 403
    assert client.post(save_url(attempt), data).status_code == 403
    assert answers_snapshot(attempt)[0][0] == []
    # With the token from the page, the same posts work.
    html = client.get(attempt_url(attempt)).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(save_url(attempt), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 200


# -- time limits ----------------------------------------------------------------------


def test_countdown_is_rendered_from_the_server_clock(signed_in, lesson, quiz):
    quiz.time_limit_minutes = 20
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    html = signed_in.get(attempt_url(attempt)).content.decode()
    remaining = int(html.split('data-remaining="')[1].split('"')[0])
    assert 20 * 60 - 30 <= remaining <= 20 * 60
    assert "到时自动交卷" in html
    attempt.deadline = timezone.now() + timedelta(seconds=75)
    attempt.save()
    html = signed_in.get(attempt_url(attempt)).content.decode()
    assert 'data-remaining="7' in html  # 75 or 74 seconds
    assert "01:1" in html


def test_time_up_grades_what_was_saved(signed_in, lesson, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    correct = correct_form_data(attempt)
    signed_in.post(attempt_url(attempt), form(attempt, {"a1": correct["a1"]}))
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    # A late submit with every answer right counts only what was saved in time.
    response = signed_in.post(attempt_url(attempt), form(attempt, correct, "submit"))
    assert response.status_code == 302 and response.url == result_url(attempt)
    assert "作答时间已到，答卷已按保存的答案提交。" in flash(response)
    attempt.refresh_from_db()
    assert attempt.close_reason == CloseReason.TIMED_OUT
    assert attempt.score == Decimal("2")
    html = signed_in.get(result_url(attempt)).content.decode()
    assert "超时自动交卷" in html


def test_time_up_closes_on_the_next_visit(signed_in, lesson, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    response = signed_in.get(attempt_url(attempt))
    assert response.status_code == 302 and response.url == result_url(attempt)
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.close_reason == CloseReason.TIMED_OUT


def test_autosave_after_time_up_is_gone(signed_in, lesson, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    response = signed_in.post(save_url(attempt), form(attempt, {"a1": ["1"]}, None))
    assert response.status_code == 410
    assert "作答时间已到" in response.json()["error"]
    attempt.refresh_from_db()
    assert not attempt.is_open
    assert attempt.answers.get(position=1).selected_choices == []


def test_panel_closes_an_expired_attempt(signed_in, lesson, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    html = signed_in.get(lesson.url).content.decode()
    assert "继续作答" not in html and "开始测验" in html
    attempt.refresh_from_db()
    assert attempt.close_reason == CloseReason.TIMED_OUT


# -- attempt limits and cool-down -----------------------------------------------------


def test_cooldown_shown_and_enforced(signed_in, lesson, quiz, learner):
    quiz.cooldown_minutes = 30
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    signed_in.post(attempt_url(attempt), form(attempt, {}, "submit"))
    attempt.refresh_from_db()
    opens = timezone.localtime(attempt.submitted_at + timedelta(minutes=30))
    expected = f"下次可作答时间：{opens:%Y-%m-%d %H:%M}"
    html = signed_in.get(lesson.url).content.decode()
    assert expected in html and "请在冷却时间结束后再作答。" in html
    assert "开始测验" not in html
    assert expected in signed_in.get(result_url(attempt)).content.decode()
    _again, response = start(signed_in, quiz, lesson)
    assert response.url == lesson.url + "#quiz"
    assert "请在冷却时间结束后再作答。" in flash(response)
    assert QuizAttempt.objects.filter(quiz=quiz, user=learner).count() == 1
    # Once the cool-down is over the learner may start again.
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=31)
    )
    assert "开始测验" in signed_in.get(lesson.url).content.decode()
    again, _ = start(signed_in, quiz, lesson)
    assert again is not None and again.number == 2


def test_max_attempts_shown_and_enforced_until_a_grant(
    signed_in, lesson, quiz, learner, trainer
):
    quiz.max_attempts = 1
    quiz.save()
    attempt, _ = start(signed_in, quiz, lesson)
    assert "已用 1 / 1 次" in signed_in.get(lesson.url).content.decode()
    signed_in.post(attempt_url(attempt), form(attempt, {}, "submit"))
    html = signed_in.get(lesson.url).content.decode()
    assert "已用 1 / 1 次" in html and "作答次数已用完" in html
    assert "开始测验" not in html
    result = signed_in.get(result_url(attempt)).content.decode()
    assert "剩余作答次数：0 次" in result and "重新作答" not in result
    _none, response = start(signed_in, quiz, lesson)
    assert "作答次数已用完" in " ".join(flash(response))
    assert QuizAttempt.objects.filter(quiz=quiz, user=learner).count() == 1
    quiz_grant_attempts(
        quiz=quiz, user=learner, extra_attempts=1, reason="补考", granted_by=trainer
    )
    html = signed_in.get(lesson.url).content.decode()
    assert "已用 1 / 2 次" in html and "开始测验" in html
    again, _ = start(signed_in, quiz, lesson)
    assert again is not None and again.number == 2


@pytest.mark.parametrize(
    "scenario",
    [
        "fresh",
        "open",
        "cooldown",
        "used_up",
        "granted",
        "not_open_yet",
        "closed",
        "no_questions",
        "staff_only",
    ],
)
def test_panel_eligibility_matches_the_service(scenario, learner, trainer):
    """The panel recomputes eligibility from rows it loads anyway; it must agree
    with ``quiz_eligibility`` rule for rule."""
    quiz = make_quiz(cooldown_minutes=10, max_attempts=2)
    _course, lesson = course_with_quiz(quiz)
    now = timezone.now()
    if scenario in ("open", "cooldown", "used_up", "granted"):
        attempt = quiz_attempt_start(quiz=quiz, user=learner)
        if scenario != "open":
            quiz_attempt_submit(attempt=attempt, data=None)
    if scenario in ("used_up", "granted"):
        QuizAttempt.objects.filter(quiz=quiz).update(
            submitted_at=now - timedelta(hours=1)
        )
        attempt = quiz_attempt_start(quiz=quiz, user=learner)
        quiz_attempt_submit(attempt=attempt, data=None)
    if scenario == "granted":
        quiz_grant_attempts(
            quiz=quiz, user=learner, extra_attempts=2, reason="补考", granted_by=trainer
        )
    if scenario == "not_open_yet":
        quiz.opens_at = now + timedelta(days=1)
    if scenario == "closed":
        quiz.closes_at = now - timedelta(days=1)
    if scenario == "staff_only":
        quiz.audience = Audience.STAFF
    quiz.save()
    if scenario == "no_questions":
        quiz.questions.all().delete()
    expected = quiz_eligibility(quiz=quiz, user=learner, now=now)
    panel = quiz_panel(page=lesson, user=learner, now=now)
    if scenario == "staff_only":
        assert panel is None and not expected.can_start
        return
    got = panel.eligibility
    assert (got.can_start, got.reason) == (expected.can_start, expected.reason)
    assert got.attempts_used == expected.attempts_used
    assert got.attempts_allowed == expected.attempts_allowed
    assert got.attempts_left == expected.attempts_left
    assert got.next_attempt_at == expected.next_attempt_at
    assert got.has_passed == expected.has_passed
    assert (got.open_attempt and got.open_attempt.pk) == (
        expected.open_attempt and expected.open_attempt.pk
    )


def test_panel_counts_drawn_questions(learner):
    quiz = make_quiz(bank=single_choice_bank(12), draw_count=5)
    _course, lesson = course_with_quiz(quiz)
    panel = quiz_panel(page=lesson, user=learner)
    assert panel.questions_per_attempt == 5 and panel.quiz.question_count == 12
    quiz.questions.filter(sort_order__lt=4).update(category="甲")
    quiz.draw_count = 3
    quiz.draw_per_category = True
    quiz.save()
    # 甲: 4 questions -> 3, the rest (8, no category) -> 3.
    assert quiz_panel(page=lesson, user=learner).questions_per_attempt == 6


# -- query budgets --------------------------------------------------------------------


def queries(client, url, method="get", data=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    return len(captured.captured_queries), response


ATTEMPT_PAGE_BUDGET = 14
SAVE_BUDGET = 12
SUBMIT_BUDGET = 14
RESULT_BUDGET = 20


def test_attempt_page_save_submit_and_result_budgets(client, learner, settings):
    """Fixed query counts for a 10- and a 60-question attempt: rendering, autosave,
    submitting (grading) and the result page with its review."""
    settings.PAGE_CACHE_SECONDS = 0
    client.force_login(learner)
    measured = []
    for size in (10, 60):
        quiz = make_quiz(bank=single_choice_bank(size), shuffle_choices=True)
        _course, lesson = course_with_quiz(quiz)
        attempt, _ = start(client, quiz, lesson)
        client.get(attempt_url(attempt))  # warm the site root and menu caches
        page_count, response = queries(client, attempt_url(attempt))
        assert response.status_code == 200
        data = correct_form_data(attempt)
        save_count, response = queries(
            client, save_url(attempt), "post", form(attempt, data, None)
        )
        assert response.json()["answered"] == size
        submit_count, response = queries(
            client, attempt_url(attempt), "post", form(attempt, data, "submit")
        )
        assert response.url == result_url(attempt)
        result_count, response = queries(client, result_url(attempt))
        assert "100.0%" in response.content.decode()
        measured.append((page_count, save_count, submit_count, result_count))
    small, large = measured
    print("attempt page, save, submit, result:", measured)  # noqa: T201
    assert small == large, f"query count grows with the questions: {measured}"
    page_count, save_count, submit_count, result_count = small
    assert page_count <= ATTEMPT_PAGE_BUDGET, measured
    assert save_count <= SAVE_BUDGET, measured
    assert submit_count <= SUBMIT_BUDGET, measured
    assert result_count <= RESULT_BUDGET, measured


def test_lesson_page_with_quiz_budgets(client, learner, settings):
    """Anonymous: within the page budget. Signed in: a few queries more than the
    same page without a quiz, however many attempts the learner has made."""
    settings.PAGE_CACHE_SECONDS = 0
    quiz = make_quiz(max_attempts=10)
    _course, lesson = course_with_quiz(quiz)
    _course, plain = course_with_quiz(None)
    client.get(lesson.url)
    anonymous, _ = queries(client, lesson.url)
    assert anonymous <= PAGE_BUDGET
    client.force_login(learner)
    client.get(plain.url)
    without_quiz, _ = queries(client, plain.url)
    counts = []
    for _ in range(4):
        attempt = quiz_attempt_start(quiz=quiz, user=learner, page=lesson)
        quiz_attempt_submit(attempt=attempt, data=None)
        count, response = queries(client, lesson.url)
        assert "第 1 次" in response.content.decode()
        counts.append(count)
    assert len(set(counts)) == 1, counts
    assert counts[0] <= without_quiz + 3, (without_quiz, counts)

"""A customer takes a course's final exam, fails, waits out the cool-down, retakes
and passes, in the browser."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, QuizAttempt
from tests.e2e.test_journeys import ensure_demo
from tests.factories.quizzes import make_quiz, single_choice_bank

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("changeme")
    page.get_by_role("button", name="登录").click()


def answer_every_question(page, choice_text):
    for fieldset in page.locator("main fieldset").all():
        fieldset.locator("label", has_text=choice_text).click()


def test_customer_fails_waits_retakes_and_passes(live_server, page):
    ensure_demo()
    course = CoursePage.objects.live().public().filter(audience="customer").first()
    quiz = make_quiz(
        title="净水器结业考试（演示）",
        bank=single_choice_bank(5),
        cooldown_minutes=1,
        max_attempts=3,
    )
    CoursePage.objects.filter(pk=course.pk).update(quiz=quiz)
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, live_server, "customer")
    page.goto(live_server.url + course.url)
    page.get_by_role("button", name="开始测验").click()
    expect(page.locator("main fieldset")).to_have_count(5)
    answer_every_question(page, "说法甲")  # every answer wrong
    page.get_by_role("button", name="交卷").click()
    expect(page.locator(".quiz-result")).to_contain_text("不合格")
    expect(page.locator("main")).to_contain_text("0.0%")

    # Straight back to the course: the cool-down holds the next attempt.
    page.goto(live_server.url + course.url)
    expect(page.locator("#quiz")).to_contain_text("下次可作答时间")
    expect(page.get_by_role("button", name="开始测验")).to_have_count(0)

    # The minute passes (moved on the server's clock instead of sleeping).
    attempt = QuizAttempt.objects.get(quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        submitted_at=attempt.submitted_at - timedelta(minutes=1, seconds=1)
    )
    page.reload()
    page.get_by_role("button", name="开始测验").click()
    answer_every_question(page, "说法乙")  # every answer right
    page.get_by_role("button", name="交卷").click()
    expect(page.locator(".quiz-result")).to_contain_text("优秀")
    expect(page.locator(".quiz-result-passed")).to_be_visible()
    assert list(
        QuizAttempt.objects.filter(quiz=quiz)
        .order_by("number")
        .values_list("number", "passed")
    ) == [(1, False), (2, True)]

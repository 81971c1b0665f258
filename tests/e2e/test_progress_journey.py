"""A member of staff opens 我的学习, finds a course assigned to them with a due date,
completes its lessons and passes its exam in the browser, and the dashboard then
lists it as completed."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import CourseIndexPage, Enrollment
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.services.progress import course_enroll
from tests.e2e.test_journeys import ensure_demo
from tests.e2e.test_quiz_journey import answer_every_question, log_in
from tests.factories.pages import CoursePageFactory, LessonPageFactory
from tests.factories.quizzes import make_quiz, single_choice_bank

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COURSE = "工单系统上手（指派）"
LESSONS = ["第一课：登录与首页", "第二课：创建与分派工单"]


def assigned_course(user, due_at):
    """A live course with two lessons and an exam that must be passed, assigned to
    ``user`` with the due date ``due_at``."""
    quiz = make_quiz(title="工单系统结业考试", bank=single_choice_bank(3))
    course = CoursePageFactory(
        parent=CourseIndexPage.objects.first(),
        title=COURSE,
        quiz=quiz,
        completion_requires_exam=True,
    )
    for title in LESSONS:
        LessonPageFactory(parent=course, title=title)
    course_enroll(
        user=user, course=course, source=EnrollmentSource.ASSIGNED, due_at=due_at
    )
    return course


def test_staff_completes_an_assigned_course_and_passes_its_exam(live_server, page):
    ensure_demo()
    staff = get_user_model().objects.get(username="staff")
    due_at = timezone.now() + timedelta(days=7)
    course = assigned_course(staff, due_at)
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, live_server, "staff")
    page.goto(live_server.url + "/my/")
    expect(page.locator("h1")).to_contain_text("我的学习")
    assigned = page.locator("section[aria-labelledby='my-assigned-title']")
    item = assigned.locator(".my-course", has_text=COURSE)
    expect(item).to_contain_text(f"截止日期：{timezone.localtime(due_at):%Y-%m-%d}")
    expect(item).to_contain_text("已完成 0/2 课时")
    completed = page.locator("section[aria-labelledby='my-completed-title']")
    expect(completed).not_to_contain_text(COURSE)

    item.get_by_role("link", name=COURSE, exact=True).click()
    expect(page.locator("h1")).to_contain_text(COURSE)
    page.locator("main a.lesson-title", has_text=LESSONS[0]).click()
    expect(page.locator("h1")).to_contain_text(LESSONS[0])
    page.get_by_role("button", name="完成本课").click()
    expect(page.locator(".lesson-complete")).to_contain_text("已完成 1/2 课时")
    page.get_by_role("link", name=f"下一课：{LESSONS[1]}").click()
    expect(page.locator("h1")).to_contain_text(LESSONS[1])
    page.get_by_role("button", name="完成本课").click()
    expect(page.locator(".lesson-complete")).to_contain_text("已完成 2/2 课时")
    # Every lesson done, the exam still to pass: not completed yet.
    enrollment = Enrollment.objects.get(user=staff, course=course)
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS

    page.goto(live_server.url + course.url)
    expect(page.locator("main")).to_contain_text("通过结业考试即可完成本课程")
    page.get_by_role("button", name="开始测验").click()
    expect(page.locator("main fieldset")).to_have_count(3)
    answer_every_question(page, "说法乙")  # every answer right
    page.get_by_role("button", name="交卷").click()
    expect(page.locator(".quiz-result-passed")).to_be_visible()

    page.goto(live_server.url + "/my/")
    item = completed.locator(".my-course", has_text=COURSE)
    expect(item).to_contain_text("已完成")
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    finished = timezone.localtime(enrollment.completed_at)
    expect(item).to_contain_text(f"完成日期：{finished:%Y-%m-%d}")
    expect(item).to_contain_text("考试成绩：100%")
    expect(assigned).not_to_contain_text(COURSE)

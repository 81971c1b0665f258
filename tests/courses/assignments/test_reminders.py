"""Reminder e-mails: the schedule (7 and 1 days before, overdue day 1 and every 7
days), once per assignment, learner and day under duplicate runs, manual reminders,
the Chinese e-mail with its link, and the daily task's scheduling."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courses.models import Enrollment, ReminderKind, ReminderLog
from courses.models.progress import EnrollmentStatus
from courses.services.assignments import assignment_sync
from courses.services.reminders import (
    assignment_remind,
    next_run_at,
    reminders_schedule,
    reminders_send_due,
)
from courses.tasks import reminders_daily
from tests.courses.assignments.helpers import assign, learner, local
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)
DUE = date(2026, 3, 20)
DB_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


@pytest.fixture
def setup():
    course, _lessons = make_course(lessons=1, title="提醒测试课程")
    user = learner("remind-ann", joined=date(2020, 1, 1), name="安娜")
    assignment = assign(course=course, starts_on=START, due_on=DUE, users=[user])
    assignment_sync(assignment=assignment, now=local(START))
    mail.outbox.clear()
    return course, user, assignment


def run_on(day: date):
    return reminders_send_due(now=local(day, hour=8))


def test_reminders_go_out_7_and_1_days_before_and_when_overdue(setup):
    days_sent = []
    day = START
    while day <= DUE + timedelta(days=30):
        if run_on(day).sent:
            days_sent.append(day)
        day += timedelta(days=1)
    assert days_sent == [
        DUE - timedelta(days=7),
        DUE - timedelta(days=1),
        DUE + timedelta(days=1),
        DUE + timedelta(days=8),
        DUE + timedelta(days=15),
        DUE + timedelta(days=22),
        DUE + timedelta(days=29),
    ]
    kinds = list(ReminderLog.objects.order_by("sent_on").values_list("kind", flat=True))
    assert kinds[:2] == [ReminderKind.BEFORE_DUE] * 2
    assert set(kinds[2:]) == {ReminderKind.OVERDUE}
    assert len(mail.outbox) == 7


def test_no_reminders_once_done_or_without_overdue_option(setup):
    course, user, assignment = setup
    assignment.remind_overdue = False
    assignment.save()
    assert run_on(DUE + timedelta(days=1)).sent == 0
    Enrollment.objects.filter(user=user).update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    assert run_on(DUE - timedelta(days=1)).sent == 0
    assert mail.outbox == []


def test_withdrawn_learners_are_not_reminded(setup):
    _course, user, _assignment = setup
    Enrollment.objects.filter(user=user).update(status=EnrollmentStatus.WITHDRAWN)
    assert run_on(DUE - timedelta(days=1)).sent == 0
    assert run_on(DUE + timedelta(days=1)).sent == 0
    assert mail.outbox == []


def test_a_refused_address_is_retried_and_does_not_stop_the_run(setup, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(message, *args, **kwargs):
        raise OSError("recipient refused")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    result = run_on(DUE - timedelta(days=1))
    assert (result.sent, result.failed) == (0, 1)
    assert not ReminderLog.objects.exists()  # tried again on the next run


def test_duplicate_runs_send_once_per_day(setup):
    day = DUE - timedelta(days=7)
    assert run_on(day).sent == 1
    again = reminders_send_due(now=local(day, hour=15))
    assert (again.sent, again.already) == (0, 1)
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


def test_learners_without_email_are_skipped(setup):
    _course, user, _assignment = setup
    user.email = ""
    user.save()
    result = run_on(DUE - timedelta(days=1))
    assert (result.sent, result.no_email) == (0, 1)
    assert not ReminderLog.objects.exists()


def test_email_is_chinese_with_due_date_days_left_and_link(setup):
    course, _user, _assignment = setup
    run_on(DUE - timedelta(days=7))
    message = mail.outbox[0]
    assert message.to == ["remind-ann@example.com"]
    assert "提醒测试课程" in message.subject and "2026-03-20" in message.subject
    link = f"http://testserver{course.get_url()}"
    assert "安娜，您好" in message.body
    assert "距离截止还有 7 天" in message.body
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html


def test_overdue_email_says_how_late(setup):
    run_on(DUE + timedelta(days=8))
    message = mail.outbox[0]
    assert "已逾期" in message.subject
    assert "已逾期 8 天" in message.body


def test_manual_remind_counts_and_respects_once_per_day(setup):
    course, user, assignment = setup
    other = learner("remind-bob", joined=date(2020, 1, 1))
    silent = learner("remind-cat", joined=date(2020, 1, 1), email=False)
    done = learner("remind-dan", joined=date(2020, 1, 1))
    assignment.users.add(other, silent, done)
    assignment_sync(assignment=assignment, now=local(START))
    Enrollment.objects.filter(user=done).update(status=EnrollmentStatus.COMPLETED)
    now = local(DUE - timedelta(days=1))
    reminders_send_due(now=now)  # the daily run reminds ann and bob first
    mail.outbox.clear()
    result = assignment_remind(assignment=assignment, by=None, now=now)
    assert (result.sent, result.already, result.no_email) == (0, 2, 1)
    tomorrow = assignment_remind(assignment=assignment, by=None, now=now + timedelta(1))
    assert (tomorrow.sent, tomorrow.skipped) == (2, 1)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "remind-ann@example.com",
        "remind-bob@example.com",
    ]
    assert set(
        ReminderLog.objects.filter(sent_on=DUE).values_list("kind", flat=True)
    ) == {ReminderKind.MANUAL}


def test_daily_task_syncs_new_joiners_and_reminds(setup):
    course, user, assignment = setup
    newcomer = learner("remind-new", joined=date(2020, 1, 1))
    assignment.users.add(newcomer)
    # The immediate backend runs the task at once; it schedules nothing.
    reminders_daily.enqueue()
    assert Enrollment.objects.filter(user=newcomer, course=course).exists()


def test_next_run_is_the_next_reminder_hour():
    with override_settings(REMINDER_HOUR=8):
        assert next_run_at(local(START, hour=7)) == local(START, hour=8)
        assert next_run_at(local(START, hour=8)) == local(START + timedelta(1), hour=8)


@override_settings(TASKS=DB_TASKS)
def test_reminders_schedule_keeps_one_pending_run():
    pending = DBTaskResult.objects.filter(
        task_path=reminders_daily.module_path, status="READY"
    )
    assert reminders_schedule() is True
    assert reminders_schedule() is False
    call_command("reminders_schedule")
    assert pending.count() == 1
    run = pending.get()
    assert run.backend_name == "background"
    assert timezone.localtime(run.run_after) == next_run_at()
    # The run, when the worker takes it, schedules the next one itself.
    run.status = "RUNNING"
    run.save()
    reminders_daily.call()
    assert pending.count() == 1
    assert pending.get().pk != run.pk


@override_settings(TASKS=DB_TASKS)
def test_feedback_notification_goes_to_the_background_worker():
    from courses.tasks import notify_feedback_submission

    notify_feedback_submission.enqueue(0)
    assert DBTaskResult.objects.filter(
        task_path=notify_feedback_submission.module_path, backend_name="background"
    ).exists()


def test_reminders_schedule_now_runs_inline(setup):
    course, user, assignment = setup
    newcomer = learner("remind-cron", joined=date(2020, 1, 1))
    assignment.users.add(newcomer)
    call_command("reminders_schedule", "--now")
    assert Enrollment.objects.filter(user=newcomer, course=course).exists()

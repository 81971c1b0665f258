"""Reminder e-mails of assigned training (截止提醒 / 逾期提醒 / 手动提醒).

Rules:
- Who: for every active, started assignment, every targeted learner
  (``assignment_learners``) whose current enrolment on the course (or path
  enrolment) is not completed. Learners without an e-mail address are skipped.
- When (``reminders_send_due``, run daily by ``courses.tasks.reminders_daily``):
  today (local date) is exactly one of the assignment's ``remind_days`` before the
  enrolment's deadline; or, with ``remind_overdue``, the first day after the deadline
  and then every 7 days while the learner is still not done.
- At most one reminder per assignment, learner and day, whatever the kind: the
  ``ReminderLog`` row is inserted first (a database UniqueConstraint) and the e-mail
  is sent only if that insert succeeded, inside the same transaction (a failed send
  removes the row, so the next run tries again). A retried or duplicated task never
  sends twice. A manual reminder (``assignment_remind``) uses the same log, kind
  "manual", so it also respects once per day.
- The e-mail (Chinese, plain text and HTML) names the course or path, the deadline,
  the days left or overdue and links to the course or path page (an absolute URL
  built from ``WAGTAILADMIN_BASE_URL``).
- ``reminders_schedule`` keeps exactly one pending run of the daily task in the
  database backend, at the next ``REMINDER_HOUR`` (local time).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.tasks import TaskResultStatus, task_backends
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses.links import absolute_url
from courses.models import Assignment, ReminderKind, ReminderLog
from courses.models.paths import PathEnrollment
from courses.models.progress import Enrollment, EnrollmentStatus
from courses.selectors.quiz_results import learner_name
from courses.services.assignments import assignment_learners

logger = logging.getLogger(__name__)

OVERDUE_EVERY_DAYS = 7


@dataclass
class ReminderResult:
    sent: int = 0
    already: int = 0  # already reminded today (about this assignment)
    no_email: int = 0  # the learner has no e-mail address
    failed: int = 0  # the mail server refused the message (tried again next run)

    @property
    def skipped(self) -> int:
        return self.already + self.no_email + self.failed


def open_enrollments(assignment: Assignment) -> QuerySet:
    """The not-completed enrolments (course or path) of the learners ``assignment``
    targets, with the learner and profile, in one query."""
    learners = assignment_learners(assignment).values("pk")
    if assignment.course_id:
        rows = Enrollment.objects.filter(
            course_id=assignment.course_id, is_current=True
        )
    else:
        rows = PathEnrollment.objects.filter(path_id=assignment.path_id)
    return (
        rows.filter(user_id__in=learners, status=EnrollmentStatus.IN_PROGRESS)
        .select_related("user__profile")
        .order_by("user_id")
    )


def reminder_kind_due(assignment: Assignment, due_at, today) -> str | None:
    """The reminder due today for a deadline, or None."""
    if due_at is None:
        return None
    days_left = (timezone.localdate(due_at) - today).days
    if days_left > 0 and days_left in assignment.remind_day_list:
        return ReminderKind.BEFORE_DUE
    if (
        assignment.remind_overdue
        and days_left < 0
        and (-days_left - 1) % OVERDUE_EVERY_DAYS == 0
    ):
        return ReminderKind.OVERDUE
    return None


def _message(assignment: Assignment, enrollment, today) -> EmailMultiAlternatives:
    target = assignment.target
    due_at = enrollment.due_at
    days_left = (timezone.localdate(due_at) - today).days if due_at else None
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "assignment": assignment,
            "title": target.title,
            "is_path": bool(assignment.path_id),
            "name": learner_name(enrollment.user),
            "due_at": timezone.localtime(due_at) if due_at else None,
            "days_left": days_left,
            "days_overdue": -days_left if days_left is not None else None,
            "url": absolute_url(target.get_url() or ""),
            "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        }
        subject = render_to_string("courses/emails/reminder_subject.txt", context)
        text = render_to_string("courses/emails/reminder.txt", context)
        html = render_to_string("courses/emails/reminder.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, to=[enrollment.user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _remind(assignment, enrollment, kind, now, result: ReminderResult) -> None:
    """Log, then send, one reminder; once per assignment, learner and day."""
    if not enrollment.user.email:
        result.no_email += 1
        return
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                assignment=assignment,
                user=enrollment.user,
                sent_on=today,
                sent_at=now,
                kind=kind,
            )
            _message(assignment, enrollment, today).send()
    except IntegrityError:
        result.already += 1
        return
    except Exception:  # noqa: BLE001 - one refused address must not stop the run
        # The log row rolled back with the failure: the reminder is tried again.
        logger.exception("reminder to user %s failed", enrollment.user_id)
        result.failed += 1
        return
    result.sent += 1


def _reminded_today(assignment, today) -> set[int]:
    return set(
        ReminderLog.objects.filter(assignment=assignment, sent_on=today).values_list(
            "user_id", flat=True
        )
    )


def reminders_send_due(*, now=None) -> ReminderResult:
    """Send the reminders due today for every active assignment (see the module
    docstring). Returns the counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = ReminderResult()
    assignments = Assignment.objects.filter(
        is_active=True, starts_on__lte=today
    ).select_related("course", "path")
    for assignment in assignments:
        reminded = _reminded_today(assignment, today)
        for enrollment in open_enrollments(assignment).filter(due_at__isnull=False):
            kind = reminder_kind_due(assignment, enrollment.due_at, today)
            if kind is None:
                continue
            if enrollment.user_id in reminded:
                result.already += 1
                continue
            _remind(assignment, enrollment, kind, now, result)
    logger.info(
        "Reminders: %d sent, %d already sent today, %d without e-mail",
        result.sent,
        result.already,
        result.no_email,
    )
    return result


def assignment_remind(
    *, assignment: Assignment, by, users=None, now=None
) -> ReminderResult:
    """Remind now the targeted learners of ``assignment`` who are not done (or those
    of them in ``users``), at most once per learner and day (``by`` is the admin who
    asked; the log records the kind "manual")."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = ReminderResult()
    rows = open_enrollments(assignment)
    if users is not None:
        rows = rows.filter(user__in=users)
    reminded = _reminded_today(assignment, today)
    for enrollment in rows:
        if enrollment.user_id in reminded:
            result.already += 1
            continue
        _remind(assignment, enrollment, ReminderKind.MANUAL, now, result)
    logger.info(
        "Manual reminder of assignment %s by %s: %d sent, %d skipped",
        assignment.pk,
        by,
        result.sent,
        result.skipped,
    )
    return result


# -- the daily run ------------------------------------------------------------------


def next_run_at(now=None) -> datetime:
    """The next ``REMINDER_HOUR`` o'clock, local time, strictly after ``now``."""
    now = timezone.localtime(now or timezone.now())
    hour = int(getattr(settings, "REMINDER_HOUR", 8))
    run = timezone.make_aware(datetime.combine(now.date(), time(hour)))
    if run <= now:
        run = timezone.make_aware(
            datetime.combine(now.date() + timedelta(days=1), time(hour))
        )
    return run


def reminders_schedule(*, now=None) -> bool:
    """Make sure one run of the daily reminder task is pending in the background
    database backend, at the next ``REMINDER_HOUR``; idempotent. Returns whether a
    run was enqueued now (False when one is already pending, or when the backend
    cannot defer tasks: run ``reminders_schedule --now`` from cron then)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from courses.tasks import reminders_daily

    backend = task_backends[reminders_daily.backend]
    if not isinstance(backend, DatabaseBackend):
        return False
    with transaction.atomic():
        pending = DBTaskResult.objects.select_for_update().filter(
            task_path=reminders_daily.module_path,
            backend_name=backend.alias,
            status=TaskResultStatus.READY,
        )
        if pending.exists():
            return False
        reminders_daily.using(run_after=next_run_at(now)).enqueue()
    return True

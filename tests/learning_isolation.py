"""The demo seeds enrolments, lesson progress, path enrolments, sign-offs,
assignments, reminders, certificates and serial counters into the shared test
database. Tests of those
features start from none of them (inside the test's rolled-back transaction), so
their counts and ``.get()`` calls see only what the test made."""

import pytest


@pytest.fixture(autouse=True)
def _without_demo_learning_records(request):
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_db:
        yield
        return
    from courses.models import (
        Assignment,
        Certificate,
        CertificateSerialCounter,
        Enrollment,
        LessonProgress,
        PathEnrollment,
        ReminderLog,
        StageSignOff,
    )

    for model in (
        Certificate,
        CertificateSerialCounter,
        ReminderLog,
        StageSignOff,
        PathEnrollment,
        Assignment,
        Enrollment,
        LessonProgress,
    ):
        model.objects.all().delete()
    yield

"""Paths under parallel requests, on committed data in real threads, each with its
own database connection: 10 parallel enrolments give one path enrolment, 10
parallel sign-offs give one sign-off row."""

import pytest
from django.contrib.auth.models import Group

from courses.models.paths import PathEnrollment, StageSignOff
from courses.services import paths
from tests.concurrency import in_parallel
from tests.courses.paths.builders import make_path, stages_of
from tests.factories.progress import make_learner

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARALLEL = 10


def test_parallel_path_enrolments_give_one_enrolment():
    learner = make_learner("parallel-path")
    path = make_path({"courses": 1}, {"task": "旁看"})
    results = in_parallel(
        lambda: paths.path_enroll(user=learner, path=path), n=PARALLEL
    )
    assert all(isinstance(r, PathEnrollment) for r in results), results
    only = PathEnrollment.objects.get(user=learner, path=path)
    assert {r.pk for r in results} == {only.pk}


def test_parallel_sign_offs_give_one_row():
    learner = make_learner("parallel-signoff")
    trainer = make_learner("parallel-trainer")
    trainer.groups.add(Group.objects.get_or_create(name="讲师")[0])
    path = make_path({"task": "师傅旁看"}, {"task": "独立上岗"})
    enrollment = paths.path_enroll(user=learner, path=path)
    stage = stages_of(path)[0]
    results = in_parallel(
        lambda: paths.stage_sign_off(
            enrollment=enrollment, stage=stage, by=trainer, note="合格"
        ),
        n=PARALLEL,
    )
    assert all(isinstance(r, StageSignOff) for r in results), results
    only = StageSignOff.objects.get(enrollment=enrollment, stage=stage)
    assert {r.pk for r in results} == {only.pk}
    enrollment.refresh_from_db()
    assert enrollment.current_stage == stages_of(path)[1]

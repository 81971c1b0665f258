"""20 learners completing at the same moment get 20 distinct, gap-free serials; 10
parallel issuances for one learner give one certificate."""

import pytest
from django.utils import timezone

from courses.models import Certificate
from courses.services import certificates as service
from tests.concurrency import in_parallel
from tests.factories.progress import make_course, make_learner

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_parallel_issuance_gives_distinct_gap_free_serials():
    course, _lessons = make_course(lessons=1)
    learners = iter([make_learner(f"p{i}") for i in range(20)])
    results = in_parallel(
        lambda: service.certificate_issue(user=next(learners), course=course), n=20
    )
    assert all(isinstance(r, Certificate) for r in results), results
    year = timezone.localdate().year
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == [f"SF-{year}-{n:06d}" for n in range(1, 21)]


def test_parallel_issuance_for_one_learner_gives_one_certificate():
    course, _lessons = make_course(lessons=1)
    learner = make_learner("once")
    results = in_parallel(
        lambda: service.certificate_issue(user=learner, course=course), n=10
    )
    assert all(isinstance(r, Certificate) for r in results), results
    assert Certificate.objects.count() == 1
    assert {r.pk for r in results} == {Certificate.objects.get().pk}

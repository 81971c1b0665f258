"""Submissions under parallel requests, on committed data in real threads: 20 posts
with one token store one submission (a double click or a replayed POST), and 20 posts
with different tokens by one user on a one-per-user form store one as well.

Run with ``-m concurrency`` (on SQLite with ``SHIFU_TEST_SQLITE_FILE=1``)."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page

from courses.models import FeedbackAnswer, FeedbackSubmission
from courses.services.feedback import FeedbackError, FormState, submit_feedback
from tests.concurrency import PARALLEL, in_parallel
from tests.factories.feedback import make_feedback_form, valid_cleaned_data

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page():
    """Any live page will do: the service only records it."""
    return Page.objects.filter(depth=2).first().specific


def test_parallel_posts_with_one_token_store_once(page):
    form = make_feedback_form()
    data = valid_cleaned_data(form)
    token = uuid.uuid4()
    results = in_parallel(
        lambda: submit_feedback(
            form=form,
            page=page,
            user=AnonymousUser(),
            cleaned_data=data,
            token=token,
            respondent_name="",
            organisation_name="",
        )
    )
    assert FeedbackSubmission.objects.filter(form=form).count() == 1
    only = FeedbackSubmission.objects.get(form=form)
    assert {r.pk for r in results} == {only.pk}, results
    assert FeedbackAnswer.objects.filter(submission=only).count() == 12


def test_parallel_posts_by_one_user_store_once(page):
    user = get_user_model().objects.create_user("fb-parallel", password="x")
    form = make_feedback_form(one_per_user=True)
    data = valid_cleaned_data(form)
    results = in_parallel(
        lambda: submit_feedback(
            form=form,
            page=page,
            user=user,
            cleaned_data=data,
            token=uuid.uuid4(),
            respondent_name="",
            organisation_name="",
        )
    )
    stored = [r for r in results if isinstance(r, FeedbackSubmission)]
    refused = [r for r in results if isinstance(r, FeedbackError)]
    assert len(stored) == 1 and len(refused) == PARALLEL - 1, results
    assert {r.state for r in refused} == {FormState.ALREADY_SUBMITTED}
    assert FeedbackSubmission.objects.filter(form=form, respondent=user).count() == 1

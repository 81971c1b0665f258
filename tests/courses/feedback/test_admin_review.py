"""The review workflow: 待查看 → 已查看, → 需跟进 (assignee and note), → 已跟进; every
action records who and when; GET never changes anything; POST needs the CSRF
token; the follow-up list shows open follow-ups oldest first; deleting is for
training admins, behind a confirmation page."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import FeedbackAnswer, FeedbackSubmission, ReviewStatus
from courses.selectors.feedback import follow_up_assignees
from courses.services.feedback_review import (
    FeedbackReviewError,
    feedback_submission_follow_up,
    feedback_submission_mark_reviewed,
    feedback_submission_resolve,
)
from tests.courses.feedback.conftest import FOLLOW_UPS, aware, make_submission

pytestmark = pytest.mark.django_db


def url(name, submission):
    return reverse(f"feedback_submissions:{name}", args=[submission.pk])


def state(submission):
    submission.refresh_from_db()
    return (
        submission.review_status,
        submission.assignee_id,
        submission.follow_up_note,
        submission.reviewed_by_id,
        submission.reviewed_at,
    )


def test_mark_reviewed_records_who_and_when(client_for, training_admin, fb_data):
    submission = fb_data["a"]
    before = timezone.now()
    response = client_for(training_admin).post(url("mark_reviewed", submission))
    assert response.status_code == 302
    assert response["Location"] == url("inspect", submission)
    submission.refresh_from_db()
    assert submission.review_status == ReviewStatus.REVIEWED
    assert submission.reviewed_by == training_admin
    assert submission.reviewed_at >= before
    # A second click changes nothing.
    stamp = submission.reviewed_at
    client_for(training_admin).post(url("mark_reviewed", submission))
    submission.refresh_from_db()
    assert submission.reviewed_at == stamp


def test_follow_up_then_resolve(
    client_for, training_admin, admin_user, trainer, fb_data
):
    client = client_for(training_admin)
    submission = fb_data["a"]
    page = client.get(url("follow_up", submission))
    assert page.status_code == 200
    assert 'name="assignee"' in page.text and "系统管理员" in page.text
    assert f'<option value="{trainer.pk}"' not in page.text  # trainers only view
    response = client.post(
        url("follow_up", submission),
        {"assignee": admin_user.pk, "note": "  请王老师电话回访周先生。 "},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.review_status == ReviewStatus.FOLLOW_UP
    assert submission.assignee == admin_user
    assert submission.follow_up_note == "请王老师电话回访周先生。"
    assert submission.reviewed_by == training_admin

    detail = client.get(url("inspect", submission)).text
    assert "需跟进（系统管理员）" in detail
    assert url("resolve", submission) in detail
    assert url("mark_reviewed", submission) not in detail

    page = client.get(url("resolve", submission))
    assert page.status_code == 200 and "请王老师电话回访周先生。" in page.text
    response = client.post(url("resolve", submission), {"note": "已回访，客户满意。"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.review_status == ReviewStatus.RESOLVED
    assert (
        submission.follow_up_note == "请王老师电话回访周先生。\n——\n已回访，客户满意。"
    )
    assert submission.assignee == admin_user  # who followed it up stays on record


def test_follow_up_needs_an_assignee_who_is_a_training_admin(
    client_for, training_admin, trainer, trainer_a, customer, staff, fb_data
):
    """Trainers only view submissions (they cannot record the outcome), so a
    follow-up is not theirs to take."""
    client = client_for(training_admin)
    submission = fb_data["a"]
    before = state(submission)
    for assignee in (trainer, trainer_a, customer, staff):
        response = client.post(
            url("follow_up", submission), {"assignee": assignee.pk, "note": "回访"}
        )
        assert response.status_code == 200, assignee
        assert "跟进人必须是培训管理员" in response.text, assignee
    response = client.post(url("follow_up", submission), {"assignee": "", "note": " "})
    assert "请选择跟进人" in response.text
    assert "请填写需要跟进的事项" in response.text
    assert state(submission) == before


def test_invalid_transitions_are_refused_with_a_message(
    client_for, training_admin, fb_data
):
    client = client_for(training_admin)
    new, follow_up = fb_data["a"], fb_data["c"]
    before = state(new)
    response = client.post(url("resolve", new), {"note": ""})
    assert response.status_code == 200
    assert "只有“需跟进”的反馈才能标记为已跟进" in response.text
    assert state(new) == before
    before = state(follow_up)
    response = client.post(url("mark_reviewed", follow_up), follow=True)
    assert "正在跟进" in response.text
    assert state(follow_up) == before


def test_resolved_can_be_reopened(training_admin, fb_data):
    submission = fb_data["c"]
    feedback_submission_resolve(submission=submission, by=training_admin)
    reopened = feedback_submission_follow_up(
        submission=submission,
        assignee=training_admin,
        note="客户再次来电。",
        by=training_admin,
    )
    assert reopened.review_status == ReviewStatus.FOLLOW_UP
    assert reopened.assignee == training_admin


def test_assignees_are_training_admins_and_superusers(
    training_admin, admin_user, trainer, trainer_a, trainer_b, customer, staff
):
    assignees = set(follow_up_assignees())
    assert {training_admin, admin_user} <= assignees
    assert not {trainer, trainer_a, trainer_b, customer, staff} & assignees


def test_services_check_their_inputs(training_admin, trainer, customer, fb_data):
    for assignee in (customer, trainer):
        with pytest.raises(FeedbackReviewError):
            feedback_submission_follow_up(
                submission=fb_data["a"],
                assignee=assignee,
                note="x",
                by=training_admin,
            )
    with pytest.raises(FeedbackReviewError):
        feedback_submission_follow_up(
            submission=fb_data["a"],
            assignee=training_admin,
            note=" ",
            by=training_admin,
        )
    with pytest.raises(FeedbackReviewError):
        feedback_submission_resolve(submission=fb_data["a"], by=training_admin)
    with pytest.raises(FeedbackReviewError):
        feedback_submission_mark_reviewed(submission=fb_data["c"], by=training_admin)


def test_get_on_action_urls_changes_nothing(client_for, training_admin, fb_data):
    client = client_for(training_admin)
    submission = fb_data["c"]
    before = state(submission)
    assert client.get(url("mark_reviewed", submission)).status_code == 405
    for name in ("follow_up", "resolve", "delete"):
        response = client.get(url(name, submission))
        assert response.status_code == 200, name
        assert 'method="post"' in response.text
    assert client.get(url("follow_up", submission) + "?assignee=1&note=x").status_code
    assert state(submission) == before
    assert FeedbackSubmission.objects.filter(pk=submission.pk).exists()


def test_posts_need_the_csrf_token(training_admin, fb_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(training_admin)
    submission = fb_data["a"]
    before = state(submission)
    for name in ("mark_reviewed", "resolve", "delete"):
        assert client.post(url(name, submission)).status_code == 403
    assert state(submission) == before
    assert FeedbackSubmission.objects.filter(pk=submission.pk).exists()


def test_delete_after_confirmation(client_for, training_admin, fb_data):
    client = client_for(training_admin)
    submission = fb_data["b"]
    confirm = client.get(url("delete", submission))
    assert confirm.status_code == 200
    assert "将永久删除" in confirm.text and "11 条答案" in confirm.text
    assert FeedbackSubmission.objects.filter(pk=submission.pk).exists()
    response = client.post(url("delete", submission))
    assert response.status_code == 302
    assert not FeedbackSubmission.objects.filter(pk=submission.pk).exists()
    assert not FeedbackAnswer.objects.filter(submission_id=submission.pk).exists()


def test_follow_up_list_oldest_first_with_assignee(
    client_for, training_admin, fb_data, fb_forms, fb_tree, admin_user
):
    older = make_submission(
        fb_forms["training"],
        fb_tree["lesson_a"],
        respondent_name="郑先生",
        when=aware(2026, 1, 15, 9, 0),
        status=ReviewStatus.FOLLOW_UP,
        assignee=training_admin,
    )
    client = client_for(training_admin)
    response = client.get(FOLLOW_UPS, {"form": fb_forms["training"].pk})
    assert response.status_code == 200
    text = response.text
    assert "郑先生" in text and "吴丽" in text
    assert text.index("郑先生") < text.index("吴丽")
    assert "培训主管" in text and "系统管理员" in text
    assert "请乙老师回访。" in text
    for key in "abd":  # not open follow-ups
        assert url("inspect", fb_data[key]) not in text
    # Filter by assignee.
    response = client.get(
        FOLLOW_UPS, {"form": fb_forms["training"].pk, "assignee": training_admin.pk}
    )
    assert "郑先生" in response.text and "吴丽" not in response.text
    # Resolved follow-ups leave the list.
    feedback_submission_resolve(submission=older, by=admin_user)
    response = client.get(FOLLOW_UPS, {"form": fb_forms["training"].pk})
    assert "郑先生" not in response.text and "吴丽" in response.text

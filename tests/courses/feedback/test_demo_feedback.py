"""The demo feedback presets of ``seed_demo`` (``courses.demo_feedback``, seeded by
``courses.seeding.seed_feedback``) and ``seed_load --feedback``."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.utils import timezone

from courses import demo_feedback
from courses.management.commands.seed_load import LOAD_RESPONDENT
from courses.models import (
    CoursePage,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    FeedbackSubmission,
    ReviewStatus,
)
from courses.seeding import seed_demo
from home.models import ArticlePage

pytestmark = pytest.mark.django_db

TITLES = ["培训反馈单", "现场培训记录单", "客户服务意见单", "网络培训回访"]


def demo_form(title) -> FeedbackForm:
    return FeedbackForm.objects.get(title=title)


def kinds(form) -> list[str]:
    return list(form.questions.order_by("sort_order").values_list("kind", flat=True))


def test_the_four_forms_exist_once():
    assert sorted(FeedbackForm.objects.filter(title__in=TITLES).values_list(
        "title", flat=True
    )) == sorted(TITLES)  # fmt: skip


def test_training_feedback_has_sixteen_agreement_items_and_three_open_questions():
    form = demo_form("培训反馈单")
    questions = list(form.questions.order_by("sort_order"))
    likert = [q for q in questions if q.kind == FeedbackKind.LIKERT]
    assert len(likert) == 16
    assert [q.key for q in likert][-1] == "overall_rating"
    assert {"trainer_expertise", "time_allocation", "own_participation"} <= {
        q.key for q in likert
    }
    open_questions = [q for q in questions if q.kind == FeedbackKind.LONG_TEXT]
    assert [q.key for q in open_questions] == [
        "most_valuable",
        "least_liked",
        "suggestions",
    ]
    assert "三点" in open_questions[0].text and "三点" in open_questions[1].text
    assert all(not q.required for q in open_questions)
    assert all(q.required for q in likert)
    sections = [q for q in questions if q.kind == FeedbackKind.SECTION]
    assert len(sections) == 5
    assert questions[0].kind == FeedbackKind.SECTION
    assert form.likert_label_list[0] == "非常同意"
    assert form.allow_anonymous and form.one_per_user


def test_other_forms_have_their_items():
    onsite = demo_form("现场培训记录单")
    assert {
        FeedbackKind.DATE,
        FeedbackKind.MULTIPLE,
        FeedbackKind.LIKERT_MATRIX,
        FeedbackKind.RATING,
    } <= set(kinds(onsite))
    matrix = onsite.questions.get(kind=FeedbackKind.LIKERT_MATRIX)
    assert len(matrix.option_list) == 4
    service = demo_form("客户服务意见单")
    assert service.allow_anonymous
    assert [q.key for q in service.questions.order_by("sort_order")][:3] == [
        "problem_solved",
        "response_speed",
        "technician_effective",
    ]
    assert kinds(service)[:3] == [
        FeedbackKind.YES_NO,
        FeedbackKind.RATING,
        FeedbackKind.LIKERT,
    ]
    online = demo_form("网络培训回访")
    assert {
        "material_timely",
        "material_update_speed",
        "online_service_responsive",
    } <= set(online.questions.values_list("key", flat=True))


def test_shared_keys_line_up_across_forms():
    """trainer_expertise and overall_rating are the same question (and kind) on
    several forms, so the summaries compare them."""
    for key, forms in (("trainer_expertise", 2), ("overall_rating", 3)):
        kinds_by_form = set(
            FeedbackForm.objects.filter(questions__key=key).values_list(
                "title", "questions__kind"
            )
        )
        assert len(kinds_by_form) == forms
        assert {kind for _title, kind in kinds_by_form} == {FeedbackKind.LIKERT}


def test_forms_are_attached_to_demo_pages():
    training = demo_form("培训反馈单")
    assert CoursePage.objects.filter(feedback_form=training).count() == 4
    assert CoursePage.objects.filter(feedback_form=demo_form("现场培训记录单")).exists()
    assert (
        ArticlePage.objects.filter(feedback_form=demo_form("客户服务意见单")).count()
        >= 3
    )
    assert ArticlePage.objects.filter(feedback_form=demo_form("网络培训回访")).exists()
    # The live pages' latest revisions carry the form too (attached by publishing).
    for course in CoursePage.objects.filter(feedback_form=training):
        assert course.get_latest_revision_as_object().feedback_form_id == training.pk


def test_a_year_of_submissions_across_courses_trainers_and_organisations():
    submissions = FeedbackSubmission.objects.filter(form__title__in=TITLES)
    assert 300 <= submissions.count() <= 600
    span = submissions.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    now = timezone.now()
    assert span["last"] <= now
    assert span["first"] >= now - timedelta(days=370)
    assert span["last"] - span["first"] >= timedelta(days=300)
    training = submissions.filter(form__title="培训反馈单")
    assert training.order_by().values("course").distinct().count() == 4
    assert training.order_by().values("trainer").distinct().count() >= 3
    assert submissions.order_by().values("organisation").distinct().count() >= 4
    assert submissions.filter(respondent__isnull=True, respondent_name="").exists()
    assert submissions.filter(respondent__isnull=False).exists()
    assert (
        submissions.filter(respondent__isnull=True).exclude(respondent_name="").exists()
    )
    by_status = dict(
        submissions.order_by().values_list("review_status").annotate(n=Count("pk"))
    )
    assert set(by_status) == set(ReviewStatus.values)
    for follow_up in submissions.filter(review_status=ReviewStatus.FOLLOW_UP):
        assert follow_up.assignee_id and follow_up.follow_up_note
        assert follow_up.reviewed_at >= follow_up.submitted_at
    # Articles have no course and no trainer.
    service = submissions.filter(form__title="客户服务意见单")
    assert not service.filter(course__isnull=False).exists()
    # One per user and page where the form says so.
    once = submissions.filter(form__one_per_user=True, respondent__isnull=False)
    assert all(s.once_key == s.respondent_id for s in once)


def test_answers_follow_the_storage_rule():
    form = demo_form("培训反馈单")
    sample = FeedbackSubmission.objects.filter(form=form).order_by("pk")[:20]
    for submission in sample:
        answers = list(submission.answers.select_related("question"))
        likert = [a for a in answers if a.question.kind == FeedbackKind.LIKERT]
        assert len(likert) == 16
        assert all(1 <= a.int_value <= 5 and a.row == 0 for a in likert)
        assert all(a.question_key == a.question.key for a in answers)
    onsite = FeedbackAnswer.objects.filter(submission__form__title="现场培训记录单")
    matrix_rows = set(
        onsite.filter(question__kind=FeedbackKind.LIKERT_MATRIX).values_list(
            "row", flat=True
        )
    )
    assert matrix_rows == {1, 2, 3, 4}
    for answer in onsite.filter(question__kind=FeedbackKind.MULTIPLE)[:30]:
        assert answer.row == answer.int_value
        assert answer.question.option_list[answer.row - 1] == answer.text_value
    ratings = onsite.filter(question__kind=FeedbackKind.RATING)
    assert ratings.exists()
    assert all(
        0 <= value <= 10 for value in ratings.values_list("int_value", flat=True)
    )
    texts = FeedbackAnswer.objects.filter(question_key="most_valuable")
    assert texts.count() >= 50
    assert all(text for text in texts.values_list("text_value", flat=True))


def test_seeding_again_changes_nothing():
    before = (
        FeedbackForm.objects.count(),
        FeedbackSubmission.objects.count(),
        FeedbackAnswer.objects.count(),
    )
    report = seed_demo()
    assert not report.created
    assert before == (
        FeedbackForm.objects.count(),
        FeedbackSubmission.objects.count(),
        FeedbackAnswer.objects.count(),
    )


def test_missing_submissions_are_added_back_with_the_same_tokens():
    form = demo_form("客户服务意见单")
    tokens = set(
        FeedbackSubmission.objects.filter(form=form).values_list("token", flat=True)
    )
    first = FeedbackSubmission.objects.filter(form=form).order_by("pk")[:5]
    FeedbackSubmission.objects.filter(
        pk__in=list(first.values_list("pk", flat=True))
    ).delete()
    seed_demo()
    assert (
        set(
            FeedbackSubmission.objects.filter(form=form).values_list("token", flat=True)
        )
        == tokens
    )


def test_demo_trainers_cannot_sign_in():
    from django.contrib.auth import get_user_model

    for username, _name in demo_feedback.DEMO_TRAINERS:
        user = get_user_model().objects.get(username=username)
        assert not user.has_usable_password()


def test_seed_load_adds_feedback_with_every_question_answered():
    call_command(
        "seed_load", lessons=0, articles=0, faq=0, learners=0, feedback=30, verbosity=0
    )
    form = demo_form("培训反馈单")
    load = FeedbackSubmission.objects.filter(form=form, respondent_name=LOAD_RESPONDENT)
    assert load.count() == 30
    answerable = form.questions.exclude(kind=FeedbackKind.SECTION).count()
    assert answerable == 19
    counts = set(load.annotate(n=Count("answers")).values_list("n", flat=True))
    assert counts == {19}
    assert load.order_by().values("trainer").distinct().count() >= 2
    # Again: nothing new; a larger total adds the difference.
    call_command(
        "seed_load", lessons=0, articles=0, faq=0, learners=0, feedback=30, verbosity=0
    )
    assert load.count() == 30
    call_command(
        "seed_load", lessons=0, articles=0, faq=0, learners=0, feedback=35, verbosity=0
    )
    assert load.count() == 35

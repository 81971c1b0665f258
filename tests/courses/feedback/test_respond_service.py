"""The respondent rules in courses.services.feedback: form state, storing a submission
by the storage rule, course and trainer, organisation, token and once-per-user
guards, dates, login, and the notification queued on commit."""

import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core import mail
from django.http import Http404
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import FeedbackAnswer, FeedbackKind, FeedbackSubmission
from courses.services.feedback import (
    FeedbackError,
    FeedbackPageRestricted,
    FormState,
    answer_field_name,
    feedback_page_for,
    form_state,
    submit_feedback,
)
from portal.accounts.models import Organisation, Profile
from tests.factories.feedback import (
    make_feedback_form,
    page_with_form,
    question_by_key,
    valid_cleaned_data,
)

pytestmark = pytest.mark.django_db


def make_user(username="fb-respondent", *, organisation=None, group="客户"):
    user = get_user_model().objects.create_user(username, password="pw-for-tests")
    user.groups.add(Group.objects.get(name=group))
    Profile.objects.create(user=user, display_name="王小明", organisation=organisation)
    return user


def submit(form, page, user=None, **kwargs):
    kwargs.setdefault("cleaned_data", valid_cleaned_data(form))
    kwargs.setdefault("token", uuid.uuid4())
    return submit_feedback(
        form=form,
        page=page,
        user=user if user is not None else AnonymousUser(),
        respondent_name=kwargs.pop("respondent_name", ""),
        organisation_name=kwargs.pop("organisation_name", ""),
        **kwargs,
    )


def rows_of(submission):
    return {
        (a.question_key, a.row): (a.int_value, a.text_value, a.date_value)
        for a in FeedbackAnswer.objects.filter(submission=submission)
    }


def test_answers_stored_by_the_storage_rule():
    form = make_feedback_form()
    page = page_with_form(form)
    submission = submit(form, page)
    assert rows_of(submission) == {
        ("objectives_relevant", 0): (4, "", None),
        ("trainer", 1): (5, "", None),
        ("trainer", 2): (4, "", None),
        ("trainer", 3): (3, "", None),
        ("recommend", 0): (9, "", None),
        ("speed", 0): (2, "三天内解决", None),
        ("channels", 1): (1, "电话", None),
        ("channels", 3): (3, "现场服务", None),
        ("best_point", 0): (None, "案例很实用", None),
        ("suggestions", 0): (None, "希望多安排实操练习。\n资料可以提前发。", None),
        ("solved", 0): (1, "", None),
        ("visit_date", 0): (None, "", date(2026, 5, 1)),
    }
    assert submission.page_id == page.pk
    assert submission.respondent is None
    assert submission.once_key is None


def test_optional_unanswered_questions_store_nothing_required_refused():
    form = make_feedback_form(
        [
            {"kind": FeedbackKind.LIKERT, "key": "a", "text": "必答", "required": True},
            {
                "kind": FeedbackKind.SHORT_TEXT,
                "key": "b",
                "text": "选答",
                "required": False,
            },
        ]
    )
    page = page_with_form(form)
    a = question_by_key(form, "a")
    b = question_by_key(form, "b")
    submission = submit(
        form,
        page,
        cleaned_data={answer_field_name(a.pk): 5, answer_field_name(b.pk): ""},
    )
    assert rows_of(submission) == {("a", 0): (5, "", None)}
    with pytest.raises(FeedbackError):
        submit(form, page, cleaned_data={answer_field_name(b.pk): "x"})


@pytest.mark.parametrize("value", [6, 0, "5", True, None])
def test_out_of_range_values_refused_by_the_service(value):
    form = make_feedback_form(
        [{"kind": FeedbackKind.LIKERT, "key": "a", "text": "题", "required": True}]
    )
    page = page_with_form(form)
    field = answer_field_name(question_by_key(form, "a").pk)
    with pytest.raises(FeedbackError):
        submit(form, page, cleaned_data={field: value})
    assert not FeedbackSubmission.objects.filter(form=form).exists()


def test_course_and_trainer_from_lesson_and_course(trainer):
    form = make_feedback_form()
    lesson = page_with_form(form, kind="lesson", trainer=trainer)
    course = lesson.get_parent().specific
    by_lesson = submit(form, lesson)
    assert by_lesson.course_id == course.pk
    assert by_lesson.trainer_id == trainer.pk
    by_course = submit(form, page_with_form(form, kind="course", trainer=trainer))
    assert by_course.course.trainer_id == trainer.pk
    assert by_course.trainer_id == trainer.pk
    article = submit(form, page_with_form(form, kind="article"))
    assert article.course_id is None and article.trainer_id is None


def test_signed_in_respondent_organisation_from_profile():
    organisation = Organisation.objects.create(
        name="测试机械有限公司", kind=Organisation.Kind.CUSTOMER
    )
    user = make_user(organisation=organisation)
    form = make_feedback_form()
    page = page_with_form(form)
    submission = submit(
        form, page, user, respondent_name="别人", organisation_name="别的单位"
    )
    assert submission.respondent == user
    assert submission.organisation == organisation
    assert submission.organisation_name == "测试机械有限公司"
    assert submission.respondent_name == "王小明"


def test_anonymous_respondent_keeps_typed_name_and_organisation():
    form = make_feedback_form()
    submission = submit(
        form,
        page_with_form(form),
        respondent_name="  李师傅 ",
        organisation_name="华东精密",
    )
    assert submission.respondent_name == "李师傅"
    assert submission.organisation_name == "华东精密"
    assert submission.organisation is None


def test_same_token_returns_the_first_submission():
    form = make_feedback_form()
    page = page_with_form(form)
    token = uuid.uuid4()
    first = submit(form, page, token=token)
    second = submit(form, page, token=token)
    assert first.pk == second.pk
    assert FeedbackSubmission.objects.filter(form=form).count() == 1
    assert FeedbackAnswer.objects.filter(submission__form=form).count() == 12


def test_one_per_user_per_page():
    user = make_user()
    form = make_feedback_form(one_per_user=True)
    page = page_with_form(form)
    other_page = page_with_form(form)
    first = submit(form, page, user)
    assert first.once_key == user.pk
    assert form_state(form, page, user) == FormState.ALREADY_SUBMITTED
    with pytest.raises(FeedbackError) as caught:
        submit(form, page, user)
    assert caught.value.state == FormState.ALREADY_SUBMITTED
    assert "只能提交一次" in caught.value.message
    # another page with the same form, and anonymous respondents, are not limited
    submit(form, other_page, user)
    submit(form, page)
    submit(form, page)
    assert FeedbackSubmission.objects.filter(form=form).count() == 4


def test_database_constraint_backs_one_per_user(monkeypatch):
    """Two requests that both passed the state check: the constraint refuses the
    second, with the same clear message."""
    import courses.services.feedback as service

    user = make_user()
    form = make_feedback_form(one_per_user=True)
    page = page_with_form(form)
    submit(form, page, user)
    monkeypatch.setattr(service, "form_state", lambda *args, **kwargs: FormState.OPEN)
    with pytest.raises(FeedbackError) as caught:
        submit(form, page, user)
    assert caught.value.state == FormState.ALREADY_SUBMITTED
    assert FeedbackSubmission.objects.filter(form=form).count() == 1


def test_repeatable_form_allows_many_per_user():
    user = make_user()
    form = make_feedback_form(one_per_user=False)
    page = page_with_form(form)
    submit(form, page, user)
    submit(form, page, user)
    assert form_state(form, page, user) == FormState.OPEN
    assert FeedbackSubmission.objects.filter(form=form, respondent=user).count() == 2


def test_dates_and_login_enforced():
    now = timezone.now()
    user = make_user()
    anonymous = AnonymousUser()
    later = make_feedback_form(opens_at=now + timedelta(days=1))
    closed = make_feedback_form(closes_at=now - timedelta(minutes=1))
    members = make_feedback_form(allow_anonymous=False)
    window = make_feedback_form(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)
    )
    page = page_with_form(later)
    assert form_state(later, page, anonymous, now) == FormState.NOT_YET_OPEN
    assert form_state(later, page, anonymous, now + timedelta(days=2)) == FormState.OPEN
    assert form_state(closed, page, user, now) == FormState.CLOSED
    assert form_state(members, page, anonymous, now) == FormState.LOGIN_REQUIRED
    assert form_state(members, page, user, now) == FormState.OPEN
    assert form_state(window, page, anonymous, now) == FormState.OPEN
    for form, state in (
        (later, FormState.NOT_YET_OPEN),
        (closed, FormState.CLOSED),
        (members, FormState.LOGIN_REQUIRED),
    ):
        with pytest.raises(FeedbackError) as caught:
            submit(form, page_with_form(form), now=now)
        assert caught.value.state == state
    assert not FeedbackSubmission.objects.filter(
        form__in=[later, closed, members]
    ).exists()
    assert submit(members, page_with_form(members), user).respondent == user


def test_notification_queued_on_commit(django_capture_on_commit_callbacks):
    form = make_feedback_form(notify_emails="a@example.com, b@example.com")
    page = page_with_form(form)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(form, page)
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.com", "b@example.com"]


def test_no_notification_without_addresses(django_capture_on_commit_callbacks):
    form = make_feedback_form(notify_emails="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(form, page_with_form(form))
    assert callbacks == []
    assert mail.outbox == []


def test_duplicate_token_queues_no_second_notification(
    django_capture_on_commit_callbacks,
):
    form = make_feedback_form(notify_emails="a@example.com")
    page = page_with_form(form)
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(form, page, token=token)
        submit(form, page, token=token)
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_feedback_page_for(customer, staff):
    form = make_feedback_form()
    page = page_with_form(form)
    found = feedback_page_for(page.pk, AnonymousUser())
    assert found.pk == page.pk
    assert found.feedback_form == form
    without = page_with_form(None)
    for page_id in (without.pk, 0, -1, 2**40, "12", None):
        with pytest.raises(Http404):
            feedback_page_for(page_id, customer)
    page.unpublish()
    with pytest.raises(Http404):
        feedback_page_for(page.pk, customer)

    restricted = page_with_form(form)
    restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="客服人员"))
    for user in (AnonymousUser(), customer):
        with pytest.raises(FeedbackPageRestricted):
            feedback_page_for(restricted.pk, user)
    assert feedback_page_for(restricted.pk, staff).pk == restricted.pk


def test_one_per_user_switched_on_later_counts_earlier_submissions():
    """Submissions stored while the form was repeatable have no once_key; they
    still count once the editor switches one-per-user on."""
    user = make_user()
    form = make_feedback_form(one_per_user=False)
    page = page_with_form(form)
    first = submit(form, page, user)
    assert first.once_key is None
    form.one_per_user = True
    form.save()
    assert form_state(form, page, user) == FormState.ALREADY_SUBMITTED
    with pytest.raises(FeedbackError) as caught:
        submit(form, page, user)
    assert caught.value.state == FormState.ALREADY_SUBMITTED
    assert FeedbackSubmission.objects.filter(form=form).count() == 1
    # another page with the same form is still open to them
    assert form_state(form, page_with_form(form), user) == FormState.OPEN

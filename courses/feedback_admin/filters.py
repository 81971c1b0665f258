"""Filters of the submission listing (and of the follow-up list). Every choice list
is drawn from the submissions the user may see, so a trainer is offered neither
other trainers' forms and pages nor the list of customer organisations; a crafted
id outside those lists fails validation and the listing then shows nothing."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.models import Page

from courses.models.feedback import FeedbackForm, FeedbackSubmission, ReviewStatus
from courses.models.pages import CoursePage
from courses.selectors.feedback import forms_visible_to, submissions_visible_to
from courses.selectors.quiz_results import learner_name
from portal.accounts.models import Organisation


class PersonChoiceField(forms.ModelChoiceField):
    """Users listed by 姓名 (profile display name, full name or username)."""

    def label_from_instance(self, obj):
        return learner_name(obj)


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


def _visible(request):
    if request is None:
        return FeedbackSubmission.objects.none()
    return submissions_visible_to(request.user).order_by()


def _forms(request):
    if request is None:
        return FeedbackForm.objects.none()
    return forms_visible_to(request.user).order_by("title")


def _pages(request):
    return Page.objects.filter(pk__in=_visible(request).values("page_id")).order_by(
        "title"
    )


def _courses(request):
    return CoursePage.objects.filter(
        pk__in=_visible(request).values("course_id")
    ).order_by("title")


def _trainers(request):
    return (
        get_user_model()
        .objects.filter(pk__in=_visible(request).values("trainer_id"))
        .select_related("profile")
        .order_by("username")
    )


def _organisations(request):
    return Organisation.objects.filter(
        pk__in=_visible(request).values("organisation_id")
    ).order_by("kind", "name")


def _assignees(request):
    return (
        get_user_model()
        .objects.filter(pk__in=_visible(request).values("assignee_id"))
        .select_related("profile")
        .order_by("username")
    )


class FeedbackSubmissionFilterSet(WagtailFilterSet):
    """反馈表, 页面, 课程, 讲师, 组织, 提交日期, 匿名, 处理状态; the search box
    matches ``who_matches``."""

    form = django_filters.ModelChoiceFilter(
        label=_("反馈表"), queryset=_forms, empty_label=_("全部")
    )
    page = django_filters.ModelChoiceFilter(
        label=_("页面"), queryset=_pages, empty_label=_("全部")
    )
    course = django_filters.ModelChoiceFilter(
        label=_("课程"), queryset=_courses, empty_label=_("全部")
    )
    trainer = PersonChoiceFilter(
        label=_("讲师"), queryset=_trainers, empty_label=_("全部")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("组织"), queryset=_organisations, empty_label=_("全部")
    )
    submitted_at = django_filters.DateFromToRangeFilter(
        label=_("提交日期"), widget=DateRangePickerWidget
    )
    anonymous = django_filters.BooleanFilter(
        label=_("匿名提交"),
        field_name="respondent",
        lookup_expr="isnull",
        widget=BooleanRadioSelect,
    )
    review_status = django_filters.ChoiceFilter(
        label=_("处理状态"),
        choices=ReviewStatus.choices,
        widget=forms.RadioSelect,
        empty_label=_("全部"),
    )

    class Meta:
        model = FeedbackSubmission
        fields: list = []


def who_matches(value: str) -> Q:
    """Respondent name (typed or from the account) or organisation name."""
    return (
        Q(respondent_name__icontains=value)
        | Q(respondent__username__icontains=value)
        | Q(respondent__first_name__icontains=value)
        | Q(respondent__profile__display_name__icontains=value)
        | Q(organisation_name__icontains=value)
        | Q(organisation__name__icontains=value)
    )


class FollowUpFilterSet(WagtailFilterSet):
    assignee = PersonChoiceFilter(
        label=_("跟进人"), queryset=_assignees, empty_label=_("全部")
    )
    form = django_filters.ModelChoiceFilter(
        label=_("反馈表"), queryset=_forms, empty_label=_("全部")
    )

    class Meta:
        model = FeedbackSubmission
        fields: list = []

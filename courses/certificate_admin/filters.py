"""Filters of the certificate registry and of the trainer qualifications. The
registry's course and organisation choices are drawn from the certificates the user
may see, so a trainer is offered neither other courses nor the list of customer
organisations; a crafted id outside those lists fails validation and the listing
then shows nothing."""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from courses.admin_views.choices import request_choices
from courses.certificate_admin.registry import STATUS_CHOICES, certificates_visible_to
from courses.models.certificates import (
    Certificate,
    CertificateSource,
    TrainerQualification,
)
from courses.models.pages import CoursePage

REVIEW_WINDOW_DAYS = 30


_courses, _organisations = request_choices(
    certificates_visible_to, Certificate.objects.none()
)


class CertificateFilterSet(WagtailFilterSet):
    """课程, 状态 (with 已过期 derived in SQL), 来源, 颁发日期, 持证人组织."""

    course = django_filters.ModelChoiceFilter(
        label=_("课程"), queryset=_courses, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        field_name="display_status",  # annotated by registry.with_display_status
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        empty_label=_("全部"),
    )
    source = django_filters.ChoiceFilter(
        label=_("颁发方式"),
        choices=CertificateSource.choices,
        widget=forms.RadioSelect,
        empty_label=_("全部"),
    )
    issued_at = django_filters.DateFromToRangeFilter(
        label=_("颁发日期"), widget=DateRangePickerWidget
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("持证人组织"),
        field_name="user__profile__organisation",
        queryset=_organisations,
        empty_label=_("全部"),
    )

    class Meta:
        model = Certificate
        fields: list = []


def review_cutoff(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + datetime.timedelta(days=REVIEW_WINDOW_DAYS)


def _qualified_courses(request):
    return CoursePage.objects.filter(
        pk__in=TrainerQualification.objects.values("course_id")
    ).order_by("title")


def _qualified_trainers(request):
    return (
        get_user_model()
        .objects.filter(pk__in=TrainerQualification.objects.values("trainer_id"))
        .order_by("username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name}（{user.get_username()}）" if name else user.get_username()


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class QualificationFilterSet(WagtailFilterSet):
    """待年审 (review due within 30 days or overdue), 课程, 讲师."""

    due_for_review = django_filters.BooleanFilter(
        label=_("待年审"), method="filter_due", widget=BooleanRadioSelect
    )
    course = django_filters.ModelChoiceFilter(
        label=_("课程"), queryset=_qualified_courses, empty_label=_("全部")
    )
    trainer = PersonFilter(
        label=_("讲师"), queryset=_qualified_trainers, empty_label=_("全部")
    )

    class Meta:
        model = TrainerQualification
        fields: list = []

    def filter_due(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(review_due__lte=review_cutoff())
        return queryset.filter(review_due__gt=review_cutoff())

"""Filters of the enrolment listing. The course and organisation choices are drawn
from the enrolments the user may see, so a trainer is offered neither other
trainers' courses nor the list of customer organisations; a crafted id outside
those lists fails validation and the listing then shows nothing."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from courses.admin_views.choices import request_choices
from courses.models.progress import Enrollment, EnrollmentSource, EnrollmentStatus
from courses.progress_admin.views import enrollments_visible_to

_courses, _organisations = request_choices(
    enrollments_visible_to, Enrollment.objects.none()
)


class EnrollmentFilterSet(WagtailFilterSet):
    """课程, 组织, 状态, 来源, 是否逾期, 报名日期; the search box matches learner
    names and usernames."""

    course = django_filters.ModelChoiceFilter(
        label=_("课程"), queryset=_courses, empty_label=_("全部")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("组织"),
        field_name="user__profile__organisation",
        queryset=_organisations,
        empty_label=_("全部"),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=EnrollmentStatus.choices,
        widget=forms.RadioSelect,
        empty_label=_("全部"),
    )
    source = django_filters.ChoiceFilter(
        label=_("来源"),
        choices=EnrollmentSource.choices,
        widget=forms.RadioSelect,
        empty_label=_("全部"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("已逾期"), method="filter_overdue", widget=BooleanRadioSelect
    )
    enrolled_at = django_filters.DateFromToRangeFilter(
        label=_("报名日期"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Enrollment
        fields: list = []

    def filter_overdue(self, queryset, name, value):
        # ``is_overdue`` is annotated by ``views.with_progress``.
        if value is None:
            return queryset
        return queryset.filter(Q(is_overdue=value))

"""Admin of trainer qualifications (讲师资格, 对外培训师资格证书).

The listing shows each qualification's status computed in SQL from ``review_due``:
有效, 即将到期 (review due within 30 days) or 已过期 (review date passed); the
"待年审" filter keeps the last two, and a banner above the listing says how many
there are. Only a trainer whose qualification is valid can be set as a course's
trainer (``forms.CoursePageForm``).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic

from courses.certificate_admin.filters import REVIEW_WINDOW_DAYS, review_cutoff
from courses.models.certificates import TrainerQualification

QUALIFICATIONS = "trainer_qualifications"

VALID, DUE_SOON, EXPIRED = "valid", "due_soon", "expired"
QUALIFICATION_LABELS = {
    VALID: gettext_lazy("有效"),
    DUE_SOON: gettext_lazy("即将到期"),
    EXPIRED: gettext_lazy("已过期"),
}


def with_review_status(queryset, *, today: datetime.date | None = None):
    """``review_status``: expired when ``review_due`` has passed, due_soon when it
    falls within ``REVIEW_WINDOW_DAYS``, else valid."""
    today = today or timezone.localdate()
    return queryset.annotate(
        review_status=Case(
            When(review_due__lt=today, then=Value(EXPIRED)),
            When(review_due__lte=review_cutoff(today), then=Value(DUE_SOON)),
            default=Value(VALID),
            output_field=CharField(),
        )
    )


def due_for_review_count() -> int:
    return TrainerQualification.objects.filter(review_due__lte=review_cutoff()).count()


class QualificationForm(WagtailAdminModelForm):
    """The annual review date must come after the qualification date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "trainer" in self.fields:
            self.fields["trainer"].queryset = (
                get_user_model()
                .objects.filter(groups__name="讲师")
                .distinct()
                .order_by("username")
            )

    def clean(self):
        cleaned = super().clean()
        qualified_on = cleaned.get("qualified_on")
        review_due = cleaned.get("review_due")
        if qualified_on and review_due and review_due <= qualified_on:
            self.add_error("review_due", _("年审日期必须晚于取得资格日期。"))
        return cleaned

    class Meta:
        model = TrainerQualification
        fields = [
            "trainer",
            "course",
            "certificate_number",
            "qualified_on",
            "review_due",
            "note",
        ]


def _person(user) -> str:
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


class QualificationIndexView(generic.IndexView):
    template_name = "courses/admin/certificates/qualification_index.html"
    page_title = gettext_lazy("讲师资格")
    default_ordering = "review_due"

    def get_base_queryset(self):
        return with_review_status(
            TrainerQualification.objects.select_related("trainer", "course")
        )

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        tiebreak = "-pk" if ordering.startswith("-") else "pk"
        return queryset.order_by(ordering, tiebreak)

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "trainer",
                label=_("讲师"),
                accessor=lambda obj: _person(obj.trainer),
                sort_key="trainer__username",
                get_url=self.get_edit_url,
            ),
            Column(
                "course",
                label=_("课程"),
                accessor="course.title",
                sort_key="course__title",
            ),
            Column(
                "certificate_number",
                label=_("资格证书编号"),
                sort_key="certificate_number",
            ),
            Column("qualified_on", label=_("取得资格日期"), sort_key="qualified_on"),
            Column("review_due", label=_("年审日期"), sort_key="review_due"),
            Column(
                "review_status",
                label=_("状态"),
                accessor=lambda obj: str(QUALIFICATION_LABELS[obj.review_status]),
                sort_key="review_due",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            due_count=due_for_review_count(),
            due_url=reverse(f"{QUALIFICATIONS}:index") + "?due_for_review=true",
            window_days=REVIEW_WINDOW_DAYS,
        )
        return context

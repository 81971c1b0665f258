"""Forms of the quiz admin: the quiz editor's base form (checks every question as
authored), the results filters, and the small forms of manual grading, regrading
and make-up grants. Messages are Chinese; the rules themselves live in
``courses.services``."""

from decimal import Decimal

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.models import Page

from courses.models.quizzes import AttemptStatus, Quiz, QuizAnswer, QuizAttempt
from courses.selectors.quiz_results import attempts_visible_to, quizzes_visible_to
from courses.services.grading import question_problems
from portal.accounts.models import Organisation

MAX_GRANT = 10
MAX_FILTER_TEXT = 100


def plain_number(value) -> str:
    """2.50 -> "2.5", 10.00 -> "10" (never "1E+1")."""
    return f"{Decimal(value).normalize():f}"


def _alive(form) -> bool:
    """A posted inline form that is neither deleted nor an untouched blank."""
    data = getattr(form, "cleaned_data", None)
    return bool(data) and not data.get("DELETE")


class QuizAdminForm(WagtailAdminModelForm):
    """The quiz editor (quiz, nested questions and their choices). Besides the
    field checks and ``Quiz.clean`` (pass ≤ good ≤ excellent, close after open), every
    question is checked with ``services.grading.question_problems`` — the same rules
    as the bulk import — and its problems are shown on that question."""

    def is_valid(self):
        valid = super().is_valid()
        return self._questions_are_sound() and valid

    def _questions_are_sound(self) -> bool:
        sound = True
        questions = self.formsets.get("questions")
        if questions is None:
            return True
        for question_form in questions.forms:
            if not _alive(question_form) or question_form.errors:
                continue
            choice_forms = question_form.formsets.get("choices")
            if choice_forms is None:
                continue
            if any(f.errors for f in choice_forms.forms if not _deleted(f)):
                continue  # the choice's own error is shown first
            choices = [
                (
                    f.cleaned_data.get("text", ""),
                    f.cleaned_data.get("is_correct", False),
                )
                for f in choice_forms.forms
                if _alive(f)
            ]
            data = question_form.cleaned_data
            problems = question_problems(
                kind=data.get("kind", ""),
                choices=choices,
                accepted_answers=data.get("accepted_answers", ""),
            )
            for problem in problems:
                question_form.add_error(None, problem)
            sound = sound and not problems
        return sound


def _deleted(form) -> bool:
    data = getattr(form, "cleaned_data", None) or {}
    return bool(data.get("DELETE"))


# -- results filters ------------------------------------------------------------------


def _visible_quizzes(request):
    if request is None:
        return Quiz.objects.none()
    return quizzes_visible_to(request.user).order_by("title")


def _pages_with_attempts(request):
    if request is None:
        return Page.objects.none()
    return Page.objects.filter(
        pk__in=attempts_visible_to(request.user).order_by().values("page_id")
    ).order_by("title")


def _organisations_with_attempts(request):
    """Only organisations of learners whose results the user may see: trainers do
    not otherwise see the list of customer organisations."""
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=attempts_visible_to(request.user)
        .order_by()
        .values("user__profile__organisation")
    ).order_by("kind", "name")


class QuizAttemptFilterSet(WagtailFilterSet):
    """Results filters: quiz, page, learner, organisation, date, passed, status. Only
    quizzes and pages the user may see are offered; any other id fails validation,
    and the listing then ignores the filters."""

    quiz = django_filters.ModelChoiceFilter(
        label=_("测验"), queryset=_visible_quizzes, empty_label=_("全部")
    )
    page = django_filters.ModelChoiceFilter(
        label=_("所在页面"), queryset=_pages_with_attempts, empty_label=_("全部")
    )
    learner = django_filters.CharFilter(
        label=_("学员"),
        method="filter_learner",
        max_length=MAX_FILTER_TEXT,
        help_text=_("姓名或用户名的一部分"),
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("所属组织"),
        field_name="user__profile__organisation",
        queryset=_organisations_with_attempts,
        empty_label=_("全部"),
    )
    submitted_at = django_filters.DateFromToRangeFilter(
        label=_("交卷日期"), widget=DateRangePickerWidget
    )
    passed = django_filters.BooleanFilter(
        label=_("是否通过"), widget=BooleanRadioSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=AttemptStatus.choices,
        widget=forms.RadioSelect,
        empty_label=_("全部"),
    )

    class Meta:
        model = QuizAttempt
        fields: list = []

    def filter_learner(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__username__icontains=value)
            | Q(user__first_name__icontains=value)
            | Q(user__profile__display_name__icontains=value)
        )


class GradingQueueFilterSet(WagtailFilterSet):
    quiz = django_filters.ModelChoiceFilter(
        label=_("测验"),
        field_name="attempt__quiz",
        queryset=_visible_quizzes,
        empty_label=_("全部"),
    )

    class Meta:
        model = QuizAnswer
        fields: list = []


# -- actions ------------------------------------------------------------------------


class AnswerGradeForm(forms.Form):
    """A trainer's score for one answer; the range check repeats the service's so the
    error appears on the field."""

    score = forms.DecimalField(
        label=_("得分"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        error_messages={
            "required": _("请填写得分。"),
            "invalid": _("请输入有效的分数。"),
            "min_value": _("得分不能小于 0。"),
            "max_digits": _("请输入有效的分数。"),
            "max_decimal_places": _("得分最多保留两位小数。"),
            "max_whole_digits": _("请输入有效的分数。"),
        },
    )
    comment = forms.CharField(
        label=_("评语"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("评语最多 %(limit_value)d 字。")},
    )

    def __init__(self, *args, max_score, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["score"]
        field.max_value = max_score
        field.validators.append(MaxValueValidator(max_score))
        field.error_messages["max_value"] = _("得分不能超过本题满分 %(max)s 分。") % {
            "max": plain_number(max_score)
        }
        field.widget.attrs.update({"min": "0", "max": str(max_score), "step": "0.01"})
        field.help_text = _("满分 %(max)s 分") % {"max": plain_number(max_score)}


class RegradeForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        max_length=200,
        help_text=_("记入每份作答的成绩历史，例如“第 3 题答案更正”。"),
        error_messages={"max_length": _("原因最多 %(limit_value)d 字。")},
    )


class GrantAttemptsForm(forms.Form):
    extra_attempts = forms.IntegerField(
        label=_("增加次数"),
        min_value=1,
        max_value=MAX_GRANT,
        initial=1,
        error_messages={
            "required": _("请填写增加次数。"),
            "invalid": _("请输入整数。"),
            "min_value": _("增加次数至少为 1。"),
            "max_value": _("一次最多增加 %(limit_value)s 次。"),
        },
    )
    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请填写补考原因。"),
            "max_length": _("原因最多 %(limit_value)d 字。"),
        },
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写补考原因。"))
        return reason

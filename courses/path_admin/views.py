"""Views of the path admin: the path-enrolment listing, setting a mentor, enrolling
a learner on a path, and the sign-off queue.

Who may do what (Django permissions, granted by migration 0010): ``view_pathenrollment``
(trainers, training admins) reads the listing; ``change_pathenrollment`` (training
admins) sets mentors and enrols learners; ``add_stagesignoff`` (trainers, training
admins) signs off practical tasks in the queue. Writes go through
``courses.services.paths``. The listing annotates the stage position and count in
SQL: a fixed number of queries whatever the number of rows.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.models.paths import (
    LearningPath,
    LearningPathStage,
    PathEnrollment,
)
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.path_views import (
    MAX_ID,
    BoundedIdMixin,
    BoundedModelChoiceField,
    SignOffForm,
)
from courses.progress_admin.reports import path_enrollments_visible_to
from courses.progress_admin.views import who_matches
from courses.selectors.paths import signoffs_waiting, with_stage_position
from courses.selectors.quiz_results import learner_name
from courses.services.paths import (
    path_enroll,
    path_enrollment_set_mentor,
    stage_sign_off,
)
from courses.services.progress import NotAllowed, ProgressError
from portal.accounts.models import Organisation
from portal.accounts.roles import STAFF_GROUP_NAMES

ENROLLMENTS = "path_enrollments"
CHANGE = "courses.change_pathenrollment"
SIGN_OFF = "courses.add_stagesignoff"


def staff_users(*, learner=None):
    """Who may be a mentor: active members of the staff groups, except ``learner``
    (nobody mentors themselves)."""
    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=STAFF_GROUP_NAMES
    )
    if learner is not None:
        users = users.exclude(pk=learner.pk)
    return users.distinct().order_by("username")


def _when(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "Y-m-d")


def with_stages(queryset, *, now=None):
    """Path enrolments with ``stage_number``, ``stage_total`` and ``is_overdue``."""
    now = now or timezone.now()
    return with_stage_position(
        queryset.select_related(
            "user__profile__organisation", "path", "current_stage", "mentor"
        )
    ).annotate(
        is_overdue=Case(
            When(
                Q(due_at__lt=now, status=EnrollmentStatus.IN_PROGRESS),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def stage_label(enrollment) -> str:
    if enrollment.status == EnrollmentStatus.COMPLETED:
        return _("全部完成")
    if enrollment.current_stage is None:
        return "—"
    return _("第 %(number)s/%(total)s 阶段 · %(title)s") % {
        "number": enrollment.stage_number,
        "total": enrollment.stage_total,
        "title": enrollment.current_stage.title,
    }


def due_label(enrollment) -> str:
    label = _when(enrollment.due_at)
    if enrollment.is_overdue:
        return _("%(when)s（已逾期）") % {"when": label}
    return label


class _BoundedFilterField(BoundedIdMixin, django_filters.fields.ModelChoiceField):
    pass


class BoundedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _BoundedFilterField


class PathEnrollmentFilterSet(WagtailFilterSet):
    """学习路径, 状态, 组织; the search box matches learner names and usernames."""

    path = BoundedModelChoiceFilter(
        label=gettext_lazy("学习路径"),
        queryset=lambda request: LearningPath.objects.order_by("title"),
        empty_label=gettext_lazy("全部"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"),
        choices=EnrollmentStatus.choices,
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("全部"),
    )
    organisation = BoundedModelChoiceFilter(
        label=gettext_lazy("组织"),
        field_name="user__profile__organisation",
        queryset=lambda request: Organisation.objects.filter(
            pk__in=PathEnrollment.objects.values("user__profile__organisation_id")
        ).order_by("kind", "name"),
        empty_label=gettext_lazy("全部"),
    )

    class Meta:
        model = PathEnrollment
        fields: list = []


class PathEnrollmentIndexView(generic.IndexView):
    """学习路径报名: every path enrolment with its current stage, status, due date and
    mentor; training admins get 设置师傅 on each row and 为学员报名 in the header."""

    any_permission_required = ["view"]
    page_title = gettext_lazy("学习路径报名")
    default_ordering = "-enrolled_at"

    def get_base_queryset(self):
        # Trainers read the enrolments of paths they can edit, as in 学习进度.
        visible = path_enrollments_visible_to(self.request.user).values("pk")
        return with_stages(super().get_base_queryset().filter(pk__in=visible))

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(who_matches(self.search_query))

    def filter_queryset(self, queryset):
        if self.filters is not None and not self.filters.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        tiebreak = "-pk" if ordering.startswith("-") else "pk"
        return queryset.order_by(ordering, tiebreak)

    @cached_property
    def header_buttons(self):
        from wagtail.admin.widgets.button import HeaderButton

        if not self.may_change:
            return []
        return [
            HeaderButton(
                _("为学员报名"), url=reverse("path_admin_enroll"), icon_name="plus"
            )
        ]

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def may_change(self) -> bool:
        return self.request.user.has_perm(CHANGE)

    def mentor_label(self, obj) -> str:
        if obj.mentor:
            return learner_name(obj.mentor)
        return _("设置师傅") if self.may_change else "—"

    def mentor_url(self, obj) -> str | None:
        if not self.may_change:
            return None
        return reverse("path_admin_mentor", args=[obj.pk])

    @cached_property
    def columns(self):
        return [
            Column(
                "learner",
                label=_("学员"),
                accessor=lambda obj: learner_name(obj.user),
                sort_key="user__username",
            ),
            Column(
                "path",
                label=_("学习路径"),
                accessor="path.title",
                sort_key="path__title",
            ),
            Column("stage", label=_("当前阶段"), accessor=stage_label),
            Column(
                "status",
                label=_("状态"),
                accessor="get_status_display",
                sort_key="status",
            ),
            Column(
                "due_at", label=_("截止日期"), accessor=due_label, sort_key="due_at"
            ),
            TitleColumn(
                "mentor",
                label=_("师傅"),
                accessor=self.mentor_label,
                get_url=self.mentor_url,
            ),
            Column(
                "enrolled_at",
                label=_("报名时间"),
                accessor=lambda obj: _when(obj.enrolled_at),
                sort_key="enrolled_at",
            ),
        ]


# -- forms ----------------------------------------------------------------------------


class MentorForm(forms.Form):
    mentor = BoundedModelChoiceField(
        label=gettext_lazy("师傅"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("（无）"),
        error_messages={"invalid_choice": gettext_lazy("请选择有效的师傅。")},
    )

    def __init__(self, *args, learner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = staff_users(learner=learner)
        self.fields["mentor"].label_from_instance = learner_name


class PathEnrollForm(MentorForm):
    username = forms.CharField(
        label=gettext_lazy("学员用户名"),
        max_length=150,
        error_messages={"required": gettext_lazy("请填写学员的用户名。")},
    )
    path = BoundedModelChoiceField(
        label=gettext_lazy("学习路径"),
        queryset=LearningPath.objects.live().order_by("title"),
        error_messages={
            "required": gettext_lazy("请选择学习路径。"),
            "invalid_choice": gettext_lazy("请选择有效的学习路径。"),
        },
    )
    due_at = forms.DateTimeField(
        label=gettext_lazy("截止日期"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": gettext_lazy("请输入有效的日期和时间。")},
    )
    field_order = ["username", "path", "due_at", "mentor"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = (
            get_user_model().objects.filter(username=username, is_active=True).first()
        )
        if user is None:
            raise forms.ValidationError(_("找不到该用户，或该用户已停用。"))
        self.learner = user
        return username

    def clean(self):
        data = super().clean()
        learner = getattr(self, "learner", None)
        mentor = data.get("mentor")
        if learner is not None and mentor is not None and mentor.pk == learner.pk:
            self.add_error("mentor", _("学员不能做自己的师傅。"))
        return data


class _AdminFormView(WagtailAdminTemplateMixin, FormView):
    template_name = "courses/paths/admin_form.html"
    permission = CHANGE

    def dispatch(self, request, *args, **kwargs):
        # Permission first: without it, known and unknown ids answer alike.
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.load_objects(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self, **kwargs) -> None:
        """Load what the URL names (404 when unknown), once permission is checked."""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{ENROLLMENTS}:index"), "label": _("学习路径报名")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_success_url(self):
        return reverse(f"{ENROLLMENTS}:index")


class MentorView(_AdminFormView):
    """设置师傅: the mentor of one path enrolment (training admins)."""

    form_class = MentorForm
    header_icon = "user"

    def load_objects(self, *, pk: int) -> None:
        if pk > MAX_ID:
            raise Http404
        self.enrollment = get_object_or_404(
            PathEnrollment.objects.select_related("user__profile", "path"), pk=pk
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "learner": self.enrollment.user}

    def get_page_title(self):
        return _("设置师傅")

    def get_page_subtitle(self):
        return f"{learner_name(self.enrollment.user)} · {self.enrollment.path.title}"

    def get_initial(self):
        return {"mentor": self.enrollment.mentor_id}

    def form_valid(self, form):
        try:
            path_enrollment_set_mentor(
                enrollment=self.enrollment, mentor=form.cleaned_data["mentor"]
            )
        except ProgressError as error:
            form.add_error("mentor", error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存师傅。"))
        return super().form_valid(form)


class PathEnrollView(_AdminFormView):
    """为学员报名: enrol a learner on a path (source 指派), with a due date and a
    mentor; idempotent (an existing enrolment is kept and updated)."""

    form_class = PathEnrollForm
    header_icon = "plus"

    def get_page_title(self):
        return _("为学员报名学习路径")

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            path_enroll(
                user=form.learner,
                path=data["path"],
                source=EnrollmentSource.ASSIGNED,
                due_at=data["due_at"],
                mentor=data["mentor"],
            )
        except NotAllowed:
            form.add_error("path", _("该学员无权学习此路径。"))
            return self.form_invalid(form)
        except ProgressError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已为学员报名学习路径。"))
        return super().form_valid(form)


# -- the sign-off queue ------------------------------------------------------------


class SignOffQueueView(WagtailAdminTemplateMixin, TemplateView):
    """待签字: practical tasks waiting for a sign-off (current stage with a task, not
    signed off), with a sign-off form (note) on each that is ready (the stage's
    courses done). Trainers and training admins (``add_stagesignoff``). GET only:
    the forms post to ``SignOffView``."""

    http_method_names = ["get", "head", "options"]

    template_name = "courses/paths/admin_signoffs.html"
    page_title = gettext_lazy("实践任务待签字")
    header_icon = "tick-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(SIGN_OFF):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["waiting"] = list(signoffs_waiting(user=self.request.user))
        context["form"] = SignOffForm()
        return context


class SignOffView(View):
    """签字确认 (POST only) on one waiting task of the queue, then back to it."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(SIGN_OFF):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, enrollment_id: int, stage_id: int):
        if max(enrollment_id, stage_id) > MAX_ID:
            raise Http404
        enrollment = get_object_or_404(PathEnrollment, pk=enrollment_id)
        stage = get_object_or_404(
            LearningPathStage, pk=stage_id, path_id=enrollment.path_id
        )
        form = SignOffForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("note", []):
                messages.error(request, error)
            return redirect("path_admin_signoffs")
        try:
            stage_sign_off(
                enrollment=enrollment,
                stage=stage,
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except NotAllowed:
            raise PermissionDenied from None
        except ProgressError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已签字确认。"))
        return redirect("path_admin_signoffs")

"""One submission in the Wagtail admin: the detail view and the review actions
(已查看, 需跟进, 已跟进) and deletion.

Each view checks the model permission first (403), then finds the submission
among those the user may act on (``selectors.feedback.submissions_visible_to``
through the permission policy), so a crafted id of another trainer's submission is
a 404 (Wagtail advisory GHSA-pwm3-7fv4-g6xx). Actions are POST forms with Django's
CSRF token; GET shows a form or confirmation and changes nothing. The writes are
``courses.services.feedback_review``.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.feedback_admin.forms import FollowUpForm, ResolveForm
from courses.feedback_admin.views import (
    SUBMISSIONS,
    policy_for,
    status_label,
    visible_submissions,
)
from courses.models.feedback import FeedbackSubmission, ReviewStatus
from courses.selectors.feedback import (
    answer_rows,
    organisation_label,
    person_label,
    respondent_label,
    submission_rows,
)
from courses.services.feedback_review import (
    FeedbackReviewError,
    feedback_submission_delete,
    feedback_submission_follow_up,
    feedback_submission_mark_reviewed,
    feedback_submission_resolve,
)


class SubmissionInspectView(generic.InspectView):
    """One submission: where it came from, every answer with its question, the
    review state and the actions the user may take."""

    any_permission_required = ["view", "change", "delete"]
    template_name = "courses/admin/feedback/submission_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            submission_rows(
                visible_submissions(self.request.user, ["view", "change", "delete"])
            ),
            pk=self.pk,
        )

    def get_page_title(self):
        return _("反馈详情")

    def get_page_subtitle(self):
        return f"{self.object.form.title} · {respondent_label(self.object)}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{SUBMISSIONS}:index"), "label": _("反馈提交记录")},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.object
        policy = policy_for(FeedbackSubmission)
        user = self.request.user
        can_review = policy.user_has_permission(user, "change")
        context.update(
            submission=submission,
            respondent=respondent_label(submission),
            organisation=organisation_label(submission),
            trainer=person_label(submission.trainer),
            reviewed_by=person_label(submission.reviewed_by),
            status=status_label(submission),
            rows=answer_rows(submission=submission),
            can_mark_reviewed=can_review
            and submission.review_status == ReviewStatus.NEW,
            can_follow_up=can_review,
            can_resolve=can_review
            and submission.review_status == ReviewStatus.FOLLOW_UP,
            can_delete=policy.user_has_permission(user, "delete"),
            mark_reviewed_url=reverse(
                f"{SUBMISSIONS}:mark_reviewed", args=[submission.pk]
            ),
            follow_up_url=reverse(f"{SUBMISSIONS}:follow_up", args=[submission.pk]),
            resolve_url=reverse(f"{SUBMISSIONS}:resolve", args=[submission.pk]),
            delete_url=reverse(f"{SUBMISSIONS}:delete", args=[submission.pk]),
        )
        return context


# -- review actions -----------------------------------------------------------------


class SubmissionActionMixin:
    """Checks ``permission`` on FeedbackSubmission (403 otherwise), then loads the
    submission of the URL among those the user may act on (404 otherwise)."""

    permission = "change"

    def dispatch(self, request, *args, **kwargs):
        policy = policy_for(FeedbackSubmission)
        if not policy.user_has_permission(request.user, self.permission):
            raise PermissionDenied
        self.submission = get_object_or_404(
            submission_rows(visible_submissions(request.user, [self.permission])),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def detail_url(self) -> str:
        return reverse(f"{SUBMISSIONS}:inspect", args=[self.submission.pk])

    def get_page_subtitle(self):
        return f"{self.submission.form.title} · {respondent_label(self.submission)}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{SUBMISSIONS}:index"), "label": _("反馈提交记录")},
            {"url": self.detail_url, "label": _("反馈详情")},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            submission=self.submission,
            respondent=respondent_label(self.submission),
            cancel_url=self.detail_url,
        )
        return context


class MarkReviewedView(SubmissionActionMixin, View):
    """POST only (CSRF): 待查看 → 已查看."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            feedback_submission_mark_reviewed(
                submission=self.submission, by=request.user
            )
        except FeedbackReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已标记为已查看。"))
        return redirect(self.detail_url)


class FollowUpView(SubmissionActionMixin, WagtailAdminTemplateMixin, FormView):
    """GET: the follow-up form. POST (CSRF): mark as 需跟进 with assignee and note."""

    template_name = "courses/admin/feedback/follow_up_form.html"
    form_class = FollowUpForm
    header_icon = "tasks"

    def get_page_title(self):
        return _("标记为需跟进")

    def get_initial(self):
        submission = self.submission
        return {
            "assignee": submission.assignee_id,
            "note": submission.follow_up_note,
        }

    def form_valid(self, form):
        try:
            feedback_submission_follow_up(
                submission=self.submission,
                assignee=form.cleaned_data["assignee"],
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except FeedbackReviewError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已标记为需跟进，跟进人：%(who)s。")
            % {"who": person_label(form.cleaned_data["assignee"])},
        )
        return redirect(self.detail_url)


class ResolveView(SubmissionActionMixin, WagtailAdminTemplateMixin, FormView):
    """GET: confirm, with an optional outcome. POST (CSRF): 需跟进 → 已跟进."""

    template_name = "courses/admin/feedback/resolve_form.html"
    form_class = ResolveForm
    header_icon = "success"

    def get_page_title(self):
        return _("标记为已跟进")

    def form_valid(self, form):
        try:
            feedback_submission_resolve(
                submission=self.submission,
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except FeedbackReviewError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已标记为已跟进。"))
        return redirect(self.detail_url)


class SubmissionDeleteView(
    SubmissionActionMixin, WagtailAdminTemplateMixin, TemplateView
):
    """GET: what will be deleted. POST (CSRF): delete it with its answers. Training
    admins only (the "delete" permission)."""

    permission = "delete"
    template_name = "courses/admin/feedback/delete_confirm.html"
    header_icon = "bin"

    def get_page_title(self):
        return _("删除反馈")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answer_count"] = self.submission.answers.count()
        return context

    def post(self, request, *args, **kwargs):
        title = str(self.submission)
        feedback_submission_delete(submission=self.submission, by=request.user)
        messages.success(request, _("已删除反馈“%(title)s”。") % {"title": title})
        return redirect(reverse(f"{SUBMISSIONS}:index"))

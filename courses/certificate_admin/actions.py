"""The registry's write actions: revoke (撤销), reissue (重新颁发), manual issuance
(颁发证书) and bulk issuance (批量颁发).

Each is GET → a form or a confirmation page, POST (Django's CSRF token) → the
service in ``courses.services.certificates``. Revoke and reissue need "change" on
Certificate, issuing "add": both are held by 培训管理员 only; anyone else gets 403,
and a certificate outside what the user may see is a 404. A rule the service
refuses (a second revoke of the same certificate, say) is shown as a message, never
a 500. Issuance has two steps: the filled form is shown back for confirmation (with
who already holds a valid certificate) and only a POST with ``confirm`` issues.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.certificate_admin.forms import ReissueForm, RevokeForm
from courses.certificate_admin.issue_forms import BulkIssueForm, IssueForm
from courses.certificate_admin.registry import CERTIFICATES, status_label
from courses.certificate_admin.views import policy, visible_certificates
from courses.models.certificates import (
    Certificate,
    CertificateSource,
    CertificateStatus,
)
from courses.services.certificates import (
    CertificateError,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    certificates_issue_bulk,
)


def inspect_url(certificate) -> str:
    return reverse(f"{CERTIFICATES}:inspect", args=[certificate.pk])


class PermissionMixin:
    permission = "change"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{CERTIFICATES}:index"), "label": _("证书登记簿")},
            {"url": "", "label": self.get_page_title()},
        ]


# -- revoke and reissue -------------------------------------------------------------


class CertificateActionView(PermissionMixin, WagtailAdminTemplateMixin, FormView):
    """GET: what will happen and the reason field. POST (CSRF): the service."""

    template_name = "courses/admin/certificates/reason_form.html"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not policy().user_has_permission(request.user, self.permission):
            raise PermissionDenied
        self.certificate = get_object_or_404(
            visible_certificates(request.user, [self.permission]), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.certificate.status != CertificateStatus.VALID:
            messages.warning(request, _("该证书已失效，不能再撤销或重新颁发。"))
            return redirect(inspect_url(self.certificate))
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.certificate.serial} · {self.certificate.holder_name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{CERTIFICATES}:index"), "label": _("证书登记簿")},
            {"url": inspect_url(self.certificate), "label": self.certificate.serial},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            certificate=self.certificate,
            status=status_label(self.certificate),
            cancel_url=inspect_url(self.certificate),
            explanation=self.explanation,
            submit_label=self.submit_label,
        )
        return context

    def form_valid(self, form):
        try:
            result = self.act(form.cleaned_data["reason"])
        except CertificateError as error:
            messages.error(self.request, error.message)
            return redirect(inspect_url(self.certificate))
        return redirect(inspect_url(result))


class RevokeView(CertificateActionView):
    form_class = RevokeForm

    def get_page_title(self):
        return _("撤销证书")

    @property
    def explanation(self):
        return _(
            "撤销后，该证书在公开查验页面显示为“已撤销”及撤销日期，持证人仍可看到但"
            "不再有效。此操作不能撤回；如需更正信息，请使用“重新颁发”。"
        )

    @property
    def submit_label(self):
        return _("确认撤销")

    def act(self, reason):
        certificate = certificate_revoke(
            certificate=self.certificate, by=self.request.user, reason=reason
        )
        messages.success(
            self.request,
            _("已撤销证书 %(serial)s。") % {"serial": certificate.serial},
        )
        return certificate


class ReissueView(CertificateActionView):
    form_class = ReissueForm

    def get_page_title(self):
        return _("重新颁发证书")

    @property
    def explanation(self):
        return _(
            "将按持证人当前的姓名和课程当前的证书模板颁发一张新证书（新编号、新查验码），"
            "原证书标记为“已被新证书取代”。"
        )

    @property
    def submit_label(self):
        return _("确认重新颁发")

    def act(self, reason):
        new = certificate_reissue(
            certificate=self.certificate, by=self.request.user, reason=reason
        )
        messages.success(
            self.request,
            _("已重新颁发，新证书编号 %(serial)s。") % {"serial": new.serial},
        )
        return new


# -- issuance -----------------------------------------------------------------------


class IssueView(PermissionMixin, WagtailAdminTemplateMixin, FormView):
    """颁发证书. POST without ``confirm``: the confirmation page (or, when the learner
    already holds a valid certificate for the course, a link to it). POST with
    ``confirm``: ``certificate_issue(source=manual)``."""

    permission = "add"
    form_class = IssueForm
    template_name = "courses/admin/certificates/issue_form.html"
    confirm_template_name = "courses/admin/certificates/issue_confirm.html"
    header_icon = "plus"

    def get_page_title(self):
        return _("颁发证书")

    def form_valid(self, form):
        user, course = form.cleaned_data["user"], form.cleaned_data["course"]
        existing = (
            Certificate.objects.filter(
                user=user, course=course, status=CertificateStatus.VALID
            )
            .order_by("-issued_at")
            .first()
        )
        if "confirm" not in self.request.POST or existing is not None:
            return self.response_class(
                request=self.request,
                template=[self.confirm_template_name],
                context=self.get_context_data(form=form, existing=existing),
                using=self.template_engine,
            )
        try:
            certificate = certificate_issue(
                user=user,
                course=course,
                score=form.cleaned_data["score"],
                source=CertificateSource.MANUAL,
                by=self.request.user,
            )
        except CertificateError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已颁发证书 %(serial)s。") % {"serial": certificate.serial},
        )
        return redirect(inspect_url(certificate))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        existing = kwargs.get("existing")
        if existing is not None:
            context["existing_url"] = inspect_url(existing)
        context["cancel_url"] = reverse(f"{CERTIFICATES}:index")
        return context


class BulkIssueView(IssueView):
    """批量颁发. The confirmation lists who will receive a certificate and who
    already holds a valid one; confirming calls ``certificates_issue_bulk``."""

    form_class = BulkIssueForm
    template_name = "courses/admin/certificates/bulk_form.html"
    confirm_template_name = "courses/admin/certificates/bulk_confirm.html"
    header_icon = "group"

    def get_page_title(self):
        return _("批量颁发证书")

    def form_valid(self, form):
        course, learners = form.cleaned_data["course"], form.cleaned_data["learners"]
        if "confirm" not in self.request.POST:
            holders = set(
                Certificate.objects.filter(
                    course=course, status=CertificateStatus.VALID, user__in=learners
                ).values_list("user_id", flat=True)
            )
            return self.response_class(
                request=self.request,
                template=[self.confirm_template_name],
                context=self.get_context_data(
                    form=form,
                    course=course,
                    receiving=[u for u in learners if u.pk not in holders],
                    holding=[u for u in learners if u.pk in holders],
                ),
                using=self.template_engine,
            )
        try:
            result = certificates_issue_bulk(
                users=learners,
                course=course,
                by=self.request.user,
                score=form.cleaned_data["score"],
            )
        except CertificateError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "已为“%(course)s”颁发 %(issued)s 张证书；"
                "%(held)s 人已持有有效证书，未重复颁发。"
            )
            % {
                "course": course.title,
                "issued": result.issued,
                "held": result.already_held,
            },
        )
        return redirect(reverse(f"{CERTIFICATES}:index") + f"?course={course.pk}")

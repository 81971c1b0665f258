"""Admin of certificate templates (证书模板): a PDF preview of a sample certificate
and the refusal to delete a template that certificates use.

The preview draws an unsaved ``Certificate`` (holder 张三丰, score 95, 3 hours,
serial SF-2026-000123, today) with the template, through the same
``render_certificate`` real certificates use; nothing is written.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets as snippet_views

from courses.certificate_admin.views import pdf_response
from courses.certificate_pdf import render_certificate
from courses.models.certificates import Certificate, CertificateTemplate
from courses.models.pages import CoursePage

SAMPLE_HOLDER = "张三丰"
SAMPLE_SERIAL = "SF-2026-000123"


def sample_certificate(template: CertificateTemplate) -> Certificate:
    """An unsaved certificate that shows what ``template`` prints."""
    course = CoursePage.objects.order_by("path").values_list("title", flat=True)
    return Certificate(
        template=template,
        serial=SAMPLE_SERIAL,
        holder_name=SAMPLE_HOLDER,
        title=course.first() or _("示例课程"),
        score=95,
        hours=3,
        issued_at=timezone.now(),
    )


def preview_url(template) -> str:
    return reverse(
        CertificateTemplate.snippet_viewset.get_url_name("pdf_preview"),
        args=[template.pk],
    )


class TemplatePreviewView(View):
    """``…/preview-pdf/<pk>/``: the sample certificate as an inline PDF."""

    http_method_names = ["get"]

    def get(self, request, pk):
        policy = policy_registry.get_by_type(CertificateTemplate)
        if not policy.user_has_any_permission(request.user, ["view", "change"]):
            raise PermissionDenied
        template = get_object_or_404(CertificateTemplate, pk=pk)
        data = render_certificate(sample_certificate(template))
        return pdf_response(data, f"preview-{template.pk}.pdf", inline=True)


class TemplateIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            Button(
                _("预览 PDF"),
                url=preview_url(instance),
                icon_name="view",
                attrs={"target": "_blank", "rel": "noopener"},
                priority=15,
            )
        )
        return buttons


class TemplateEditView(snippet_views.EditView):
    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("预览 PDF"),
                url=preview_url(self.object),
                icon_name="view",
                attrs={"target": "_blank", "rel": "noopener"},
            ),
        ]


def refuse_deleting_used_templates(request, instances):
    """``before_delete_snippet`` hook: a template certificates were issued with is
    not deleted (``Certificate.template`` is PROTECT); say so instead of failing."""
    templates = [obj for obj in instances if isinstance(obj, CertificateTemplate)]
    if not templates:
        return None
    used = list(
        Certificate.objects.filter(template__in=templates)
        .order_by("template__name")
        .values_list("template__name", flat=True)
        .distinct()
    )
    if not used:
        return None
    messages.error(
        request,
        _(
            "以下证书模板已用于颁发证书，不能删除：%(names)s。"
            "如不再使用，请在课程中改选其他模板。"
        )
        % {"names": "、".join(used)},
    )
    return redirect(CertificateTemplate.snippet_viewset.get_url_name("list"))

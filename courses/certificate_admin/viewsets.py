"""Admin viewsets of certificates, grouped under one menu, 证书;
``courses.certificate_admin.hooks`` registers them and the permission policy.

- 证书登记簿 (Certificate): the registry listing with filters, XLSX export and ZIP
  of PDFs, one certificate in detail with its PDF, revoke, reissue, manual and
  bulk issuance. Certificates change only through ``courses.services.certificates``,
  never a generic edit form.
- 证书模板 (CertificateTemplate snippet): the design, with a PDF preview.
- 讲师资格 (TrainerQualification): qualifications with their review status.
"""

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.certificate_admin import actions, designs, views
from courses.certificate_admin.filters import (
    CertificateFilterSet,
    QualificationFilterSet,
)
from courses.certificate_admin.qualifications import (
    QUALIFICATIONS,
    QualificationForm,
    QualificationIndexView,
)
from courses.certificate_admin.registry import CERTIFICATES
from courses.models.certificates import (
    Certificate,
    CertificateTemplate,
    TrainerQualification,
)
from courses.viewsets import ServiceOnlyViewSet


class CertificateURLFinder(ModelAdminURLFinder):
    """Admin links to a certificate (logs, reports) open its detail view, for
    users who may see it."""

    edit_url_name = f"{CERTIFICATES}:inspect"

    def get_edit_url(self, instance):
        policy = policy_registry.get(instance)
        if self.user and not policy.user_has_permission_for_instance(
            self.user, "view", instance
        ):
            return None
        return self.construct_edit_url(instance)


class CertificateViewSet(ServiceOnlyViewSet):
    model = Certificate
    name = CERTIFICATES
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = _("证书登记簿")
    menu_name = "certificate-registry"
    index_view_class = views.CertificateIndexView
    index_results_template_name = "courses/admin/certificates/index_results.html"
    inspect_view_class = views.CertificateInspectView
    inspect_view_enabled = True
    filterset_class = CertificateFilterSet
    url_finder_class = CertificateURLFinder
    search_fields = ["serial"]  # the view searches names and titles too
    search_backend_name = None
    list_per_page = 50

    def get_permissions_to_register(self):
        # Certificates are never deleted: issued, revoked or superseded only.
        return Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["add_certificate", "change_certificate", "view_certificate"],
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path(
                "zip/",
                self.construct_view(
                    views.CertificateZipView, **self.get_index_view_kwargs()
                ),
                name="zip",
            ),
            path(
                "zip/<str:token>/",
                views.CertificateZipReadyView.as_view(),
                name="zip_ready",
            ),
            path("<int:pk>/pdf/", views.CertificatePdfView.as_view(), name="pdf"),
            path("<int:pk>/revoke/", actions.RevokeView.as_view(), name="revoke"),
            path("<int:pk>/reissue/", actions.ReissueView.as_view(), name="reissue"),
            path("issue/", actions.IssueView.as_view(), name="issue"),
            path("issue/bulk/", actions.BulkIssueView.as_view(), name="issue_bulk"),
        ]


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = _("证书模板")
    menu_name = "certificate-templates"
    url_prefix = "certificates/templates"
    index_view_class = designs.TemplateIndexView
    edit_view_class = designs.TemplateEditView
    copy_view_enabled = False
    list_display = [
        "name",
        "title",
        "issuer",
        Column(
            "is_default",
            label=_("默认"),
            accessor=lambda obj: _("是") if obj.is_default else "",
        ),
        DateColumn("updated_at", label=_("更新时间"), sort_key="updated_at"),
    ]
    search_fields = ["name", "title"]
    search_backend_name = None

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "preview-pdf/<int:pk>/",
                designs.TemplatePreviewView.as_view(),
                name="pdf_preview",
            ),
        ]


class TrainerQualificationViewSet(ModelViewSet):
    model = TrainerQualification
    name = QUALIFICATIONS
    url_prefix = "certificates/qualifications"
    icon = "user"
    menu_label = _("讲师资格")
    menu_name = "trainer-qualifications"
    index_view_class = QualificationIndexView
    filterset_class = QualificationFilterSet
    search_fields = ["certificate_number"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    edit_handler = ObjectList(
        TrainerQualification.panels, base_form_class=QualificationForm
    )


class CertificateAdminGroup(SnippetViewSetGroup):
    items = (
        CertificateViewSet,
        CertificateTemplateViewSet,
        TrainerQualificationViewSet,
    )
    menu_icon = "doc-full"
    menu_label = _("证书")
    menu_name = "certificates"
    menu_order = 290

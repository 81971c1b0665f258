"""Admin views of the certificate registry (证书登记簿, ``/admin/certificates/``):
the listing with its filters, XLSX export and ZIP of PDFs, one certificate in
detail, and its PDF.

The listing annotates ``display_status`` in SQL (``registry.with_display_status``)
and reads only snapshot columns of the certificate, so a page is a fixed number of
queries whatever the number of rows. Every view narrows to the certificates the
user may see (``registry.certificates_visible_to``): a crafted id of another
trainer's certificate is a 404.
"""

import tempfile

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry

from courses.admin_views.exports import SafeSpreadsheetExportMixin
from courses.certificate_admin.registry import (
    CERTIFICATES,
    status_label,
    with_display_status,
)
from courses.certificate_pdf import (
    certificate_pdf,
    certificate_zip_open,
    certificate_zip_request,
    write_certificate_zip,
)
from courses.models.certificates import Certificate
from courses.services.certificates import DisplayStatus

ZIP_LIMIT = 1000
# Larger selections are packed by the background worker.
ZIP_INLINE_LIMIT = 50


def policy():
    return policy_registry.get_by_type(Certificate)


def visible_certificates(user, actions=("view",)):
    return with_display_status(
        policy().instances_user_has_any_permission_for(user, list(actions))
    )


def person_label(user) -> str:
    if user is None:
        return "—"
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


def _day(value) -> str:
    return "—" if value is None else date_format(value, "Y-m-d")


def _when(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def pdf_response(data: bytes, filename: str, *, inline: bool = False):
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class CertificateIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """证书登记簿: certificates the user may see, searchable by serial, holder and
    course title, filtered, exported as XLSX (formula-safe)."""

    any_permission_required = ["view"]
    page_title = gettext_lazy("证书登记簿")
    default_ordering = "-issued_at"
    export_headings = {
        "serial": gettext_lazy("证书编号"),
        "holder": gettext_lazy("持证人"),
        "username": gettext_lazy("用户名"),
        "title": gettext_lazy("课程或学习路径"),
        "issued_at": gettext_lazy("颁发时间"),
        "valid_until": gettext_lazy("有效期至"),
        "status": gettext_lazy("状态"),
        "source": gettext_lazy("颁发方式"),
        "score": gettext_lazy("成绩（%）"),
        "revoked_at": gettext_lazy("撤销时间"),
        "revoke_reason": gettext_lazy("撤销原因"),
    }
    list_export = list(export_headings)

    def get_base_queryset(self):
        return visible_certificates(self.request.user).select_related("user")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        term = self.search_query.strip()
        return queryset.filter(
            Q(serial__icontains=term)
            | Q(holder_name__icontains=term)
            | Q(title__icontains=term)
        )

    def filter_queryset(self, queryset):
        if self.filters is not None and not self.filters.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        tiebreak = "-pk" if ordering.startswith("-") else "pk"
        return queryset.order_by(ordering, tiebreak)

    def get_list_more_buttons(self, instance):
        buttons = [
            Button(
                _("查看"),
                url=reverse(f"{CERTIFICATES}:inspect", args=[instance.pk]),
                icon_name="info-circle",
                priority=10,
            ),
            Button(
                _("下载 PDF"),
                url=reverse(f"{CERTIFICATES}:pdf", args=[instance.pk]),
                icon_name="download",
                priority=20,
            ),
        ]
        return buttons

    @cached_property
    def can_issue(self) -> bool:
        return policy().user_has_permission(self.request.user, "add")

    @cached_property
    def header_buttons(self):
        if not self.can_issue:
            return []
        return [
            HeaderButton(
                _("颁发证书"),
                url=reverse(f"{CERTIFICATES}:issue"),
                icon_name="plus",
                priority=10,
            ),
            HeaderButton(
                _("批量颁发"),
                url=reverse(f"{CERTIFICATES}:issue_bulk"),
                icon_name="group",
                priority=20,
            ),
        ]

    @cached_property
    def zip_url(self) -> str:
        """The ZIP of the current filters and search; in the results block, so it
        follows the filters as they change without a reload."""
        query = self.request.GET.copy()
        for key in ("export", "p", "ordering"):
            query.pop(key, None)
        url = reverse(f"{CERTIFICATES}:zip")
        return f"{url}?{query.urlencode()}" if query else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(zip_url=self.zip_url, zip_limit=ZIP_LIMIT)
        return context

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "serial",
                label=_("证书编号"),
                sort_key="serial",
                get_url=lambda obj: reverse(f"{CERTIFICATES}:inspect", args=[obj.pk]),
            ),
            Column("holder_name", label=_("持证人"), sort_key="holder_name"),
            Column("title", label=_("课程或学习路径"), sort_key="title"),
            Column(
                "issued_at",
                label=_("颁发时间"),
                accessor=lambda obj: _when(obj.issued_at),
                sort_key="issued_at",
            ),
            Column(
                "valid_until",
                label=_("有效期至"),
                accessor=lambda obj: (
                    _day(obj.valid_until) if obj.valid_until else _("长期")
                ),
                sort_key="valid_until",
            ),
            Column(
                "display_status",
                label=_("状态"),
                accessor=status_label,
                sort_key="display_status",
            ),
            Column(
                "source",
                label=_("颁发方式"),
                accessor="get_source_display",
                sort_key="source",
            ),
        ]

    # -- export ---------------------------------------------------------------------

    def get_filename(self):
        return f"certificates-{timezone.localdate():%Y%m%d}"

    def to_row_dict(self, item):
        revoked_at = item.revoked_at
        return {
            "serial": item.serial,
            "holder": item.holder_name,
            "username": item.user.get_username(),
            "title": item.title,
            "issued_at": timezone.localtime(item.issued_at).replace(tzinfo=None),
            "valid_until": item.valid_until or "",
            "status": status_label(item),
            "source": item.get_source_display(),
            "score": "" if item.score is None else float(item.score),
            "revoked_at": timezone.localtime(revoked_at).replace(tzinfo=None)
            if revoked_at
            else "",
            "revoke_reason": item.revoke_reason,
        }


class CertificateZipView(CertificateIndexView):
    """``/admin/certificates/zip/?<the listing's filters>``: the PDFs of the
    filtered certificates as ``<serial>.pdf`` in one ZIP, at most ``ZIP_LIMIT``.
    Up to ``ZIP_INLINE_LIMIT`` come at once (written to a temporary file one PDF at
    a time); more are packed by the background worker (about 50 ms a PDF would hold a
    web worker for a minute) and the page at ``zip/<token>/`` hands the file over
    when it is ready."""

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        total = queryset.count()
        query = request.GET.urlencode()
        back = reverse(f"{CERTIFICATES}:index") + (f"?{query}" if query else "")
        if total == 0:
            messages.warning(request, _("当前筛选结果中没有证书。"))
            return redirect(back)
        if total > ZIP_LIMIT:
            messages.error(
                request,
                _(
                    "当前筛选结果有 %(total)s 张证书，一次最多打包 %(limit)s 张，"
                    "请缩小筛选范围（如按课程或颁发日期）后再下载。"
                )
                % {"total": total, "limit": ZIP_LIMIT},
            )
            return redirect(back)
        if total > ZIP_INLINE_LIMIT:
            token = certificate_zip_request(
                certificate_ids=list(queryset.values_list("pk", flat=True)),
                user=request.user,
            )
            return redirect(reverse(f"{CERTIFICATES}:zip_ready", args=[token]))
        archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        write_certificate_zip(archive, queryset)
        archive.seek(0)
        return FileResponse(
            archive,
            as_attachment=True,
            filename=f"certificates-{timezone.localdate():%Y%m%d}.zip",
            content_type="application/zip",
        )


class CertificateZipReadyView(View):
    """``/admin/certificates/zip/<token>/``: "正在生成" (refreshing itself) until the
    worker has written the ZIP, then the file. Only the admin who asked for it gets
    it; anyone else's token answers 404."""

    def get(self, request, token: str):
        if not policy().user_has_any_permission(request.user, ["view"]):
            raise PermissionDenied
        handle = certificate_zip_open(token=token, user=request.user)
        if handle is None:
            response = render(
                request,
                "courses/admin/certificates/zip_pending.html",
                {"index_url": reverse(f"{CERTIFICATES}:index")},
            )
            response["Refresh"] = "5"
            return response
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"certificates-{timezone.localdate():%Y%m%d}.zip",
            content_type="application/zip",
        )


class CertificateInspectView(generic.InspectView):
    """One certificate: everything it says, who issued, revoked or replaced it and
    why, and the actions the user may take."""

    any_permission_required = ["view"]
    template_name = "courses/admin/certificates/detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            visible_certificates(self.request.user).select_related(
                "user__profile__organisation",
                "template",
                "issued_by",
                "revoked_by",
                "superseded_by",
                "course",
                "path",
            ),
            pk=self.pk,
        )

    def get_page_title(self):
        return _("证书详情")

    def get_page_subtitle(self):
        return f"{self.object.serial} · {self.object.holder_name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{CERTIFICATES}:index"), "label": _("证书登记簿")},
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
        certificate = self.object
        user = self.request.user
        profile = getattr(certificate.user, "profile", None)
        organisation = (
            profile.organisation.name if profile and profile.organisation_id else ""
        )
        can_change = policy().user_has_permission(user, "change")
        is_valid = certificate.display_status in (
            DisplayStatus.VALID,
            DisplayStatus.EXPIRED,
        )
        context.update(
            certificate=certificate,
            status=status_label(certificate),
            organisation=organisation or "—",
            username=certificate.user.get_username(),
            issued_by=person_label(certificate.issued_by),
            revoked_by=person_label(certificate.revoked_by),
            issued_at=_when(certificate.issued_at),
            revoked_at=_when(certificate.revoked_at),
            valid_until=_day(certificate.valid_until)
            if certificate.valid_until
            else _("长期有效"),
            replaces=Certificate.objects.filter(superseded_by=certificate)
            .only("pk", "serial")
            .first(),
            pdf_url=reverse(f"{CERTIFICATES}:pdf", args=[certificate.pk]),
            verify_url=reverse(
                "certificates:verify_code", args=[certificate.verification_code]
            ),
            can_revoke=can_change and is_valid,
            can_reissue=can_change and is_valid,
            revoke_url=reverse(f"{CERTIFICATES}:revoke", args=[certificate.pk]),
            reissue_url=reverse(f"{CERTIFICATES}:reissue", args=[certificate.pk]),
        )
        return context


class CertificatePdfView(View):
    """``/admin/certificates/<pk>/pdf/``: the certificate's PDF for whoever may see
    it in the registry (``view_certificate``, narrowed as the listing is)."""

    http_method_names = ["get"]

    def get(self, request, pk):
        if not policy().user_has_permission(request.user, "view"):
            raise PermissionDenied
        certificate = (
            visible_certificates(request.user)
            .select_related("template")
            .filter(pk=pk)
            .first()
        )
        if certificate is None:
            raise Http404
        return pdf_response(certificate_pdf(certificate), f"{certificate.serial}.pdf")

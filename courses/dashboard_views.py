"""A learner's own pages: 我的学习 (``/my/``) and the training archive
(``/my/archive/``, printable, as XLSX with ``?format=xlsx`` and as an A4 PDF with
``?format=pdf``).

Both show only the signed-in user's data (no user id in any URL), require sign-in
(anonymous visitors go to the login page and come back) and answer
``private, no-store``: they are never cached by the page cache or a proxy.
Included from ``portal/urls.py`` under ``my/`` (namespace ``my``).
"""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses.archive_pdf import archive_pdf
from courses.feedback_admin.summary_export import write_xlsx
from courses.models import CourseIndexPage
from courses.selectors.certificates import my_certificates
from courses.selectors.dashboard import my_archive, my_dashboard
from courses.selectors.quiz_results import learner_name, learner_organisation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def attachment(content: bytes, *, content_type: str, ascii_name: str, name: str):
    """A private download named ``name`` (UTF-8, RFC 6266) with an ASCII
    fallback for old clients."""
    response = HttpResponse(content, content_type=content_type)
    encoded = quote(name, safe="")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"
    )
    return response


def _catalogue_url(request) -> str | None:
    index = CourseIndexPage.objects.live().public().order_by("path").first()
    return index.get_url(request) if index else None


@never_cache
@login_required
@require_GET
def dashboard(request):
    now = timezone.now()
    return render(
        request,
        "courses/my/dashboard.html",
        {
            "dashboard": my_dashboard(user=request.user, now=now),
            "catalogue_url": _catalogue_url(request),
            "now": now,
        },
    )


def _local_date(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d}" if value else ""


def archive_sections(archive, certificates=()) -> list[tuple[str, list, list]]:
    """The archive as tables (title, headings, rows) for ``write_xlsx``: the
    courses, and the certificates when there are any."""
    headings = [
        _("课程"),
        _("周期"),
        _("来源"),
        _("状态"),
        _("报名日期"),
        _("截止日期"),
        _("完成日期"),
        _("成绩（%）"),
        _("考试次数"),
        _("学时（小时）"),
    ]
    rows = [
        [
            enrollment.course.title,
            enrollment.cycle,
            enrollment.get_source_display(),
            enrollment.get_status_display(),
            _local_date(enrollment.enrolled_at),
            _local_date(enrollment.due_at),
            _local_date(enrollment.completed_at),
            "" if enrollment.score is None else enrollment.score,
            enrollment.attempt_count,
            enrollment.course.estimated_hours,
        ]
        for enrollment in archive.enrollments
    ]
    sections = [(_("培训档案"), headings, rows)]
    if certificates:
        sections.append(
            (
                _("证书"),
                [_("证书编号"), _("课程"), _("颁发日期"), _("有效期至"), _("状态")],
                [
                    [
                        certificate.serial,
                        certificate.title,
                        _local_date(certificate.issued_at),
                        f"{certificate.valid_until:%Y-%m-%d}"
                        if certificate.valid_until
                        else "",
                        str(certificate.status_label),
                    ]
                    for certificate in certificates
                ],
            )
        )
    return sections


@never_cache
@login_required
@require_GET
def archive(request):
    data = my_archive(user=request.user)
    certificates = my_certificates(user=request.user)
    today = f"{timezone.localdate():%Y%m%d}"
    if request.GET.get("format") == "pdf":
        name = learner_name(request.user)
        return attachment(
            archive_pdf(
                name=name,
                organisation=learner_organisation(request.user),
                archive=data,
                certificates=certificates,
            ),
            content_type=PDF_TYPE,
            ascii_name=f"training-archive-{today}.pdf",
            name=_("培训档案-%(name)s-%(date)s.pdf") % {"name": name, "date": today},
        )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            write_xlsx(archive_sections(data, certificates)), content_type=XLSX_TYPE
        )
        filename = f"training-archive-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "courses/my/archive.html",
        {
            "archive": data,
            "certificates": certificates,
            "catalogue_url": _catalogue_url(request),
        },
    )


app_name = "my"
urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("archive/", archive, name="archive"),
]

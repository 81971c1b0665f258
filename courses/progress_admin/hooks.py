"""Admin registration of the overdue report and learner archives (imported by
courses.wagtail_hooks): their URLs and the 逾期报告 menu item next to 学习进度."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.progress_admin import report_views, reports


@hooks.register("register_admin_urls")
def register_progress_report_urls():
    return [
        path(
            "progress/overdue/",
            report_views.OverdueReportView.as_view(),
            name="progress_overdue",
        ),
        path(
            "progress/learners/<int:user_id>/",
            report_views.LearnerArchiveView.as_view(),
            name="progress_learner_archive",
        ),
    ]


class ProgressReportMenuItem(MenuItem):
    def is_shown(self, request):
        return reports.may_view_progress(request.user)


@hooks.register("register_admin_menu_item")
def register_overdue_menu_item():
    return ProgressReportMenuItem(
        _("逾期报告"),
        reverse("progress_overdue"),
        name="progress-overdue",
        icon_name="warning",
        order=281,  # right after 学习进度 (280)
    )

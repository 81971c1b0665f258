"""The admin viewset of 培训指派 (``courses.Assignment``), at /admin/assignments/;
``assignment_admin.hooks`` registers it and its permission policy.

Training admins create, edit and delete assignments (saving syncs the enrolments);
trainers see the listing and each assignment's 完成情况. Django model permissions
decide (granted to the groups by migration 0010).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from courses.assignment_admin import views
from courses.assignment_admin.forms import assignment_edit_handler
from courses.models import Assignment


class AssignmentViewSet(ModelViewSet):
    model = Assignment
    name = views.ASSIGNMENTS
    url_prefix = "assignments"
    icon = "calendar-check"
    add_to_admin_menu = True
    menu_label = _("培训指派")
    menu_name = "assignments"
    menu_order = 285  # after 学习进度 (280)
    index_view_class = views.AssignmentIndexView
    add_view_class = views.AssignmentCreateView
    edit_view_class = views.AssignmentEditView
    delete_view_class = views.AssignmentDeleteView
    copy_view_enabled = False
    edit_handler = assignment_edit_handler
    search_fields = ["title"]
    search_backend_name = None
    list_filter = ["is_active"]
    list_per_page = 50
    ordering = ["-created_at", "-id"]
    list_display = [
        TitleColumn(
            "title",
            label=_("名称"),
            get_url=lambda obj: reverse(
                f"{views.ASSIGNMENTS}:completion", args=[obj.pk]
            ),
            sort_key="title",
        ),
        Column(
            "target",
            label=_("课程 / 学习路径"),
            accessor=lambda obj: obj.target.title if obj.target else "—",
        ),
        Column("starts_on", label=_("开始日期"), sort_key="starts_on"),
        Column("deadline", label=_("期限"), accessor=views.deadline_label),
        Column("recurrence", label=_("重复"), accessor=views.recurrence_label),
        BooleanColumn("is_active", label=_("启用")),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/completion/",
                views.CompletionView.as_view(),
                name="completion",
            ),
            path("<int:pk>/remind/", views.RemindView.as_view(), name="remind"),
        ]

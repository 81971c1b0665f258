"""Admin registration of the path admin (imported by courses.wagtail_hooks): the
path-enrolment listing, the mentor and enrol forms, the sign-off queue, and a
学习路径 submenu holding 学习路径报名 and 实践任务待签字, each shown only to users
with the permission its view checks. Publishing a learning path re-evaluates its
open enrolments (``page_published``, whoever or whatever publishes: the editor, a
scheduled publish, a script), so an edit to its stages moves learners at once."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.signals import page_published

from courses.models.paths import LearningPath
from courses.path_admin import views
from courses.path_admin.viewsets import path_enrollment_viewset
from courses.services.paths import path_enrollments_evaluate


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.permissions = permissions

    def is_shown(self, request):
        return any(request.user.has_perm(p) for p in self.permissions)


@hooks.register("register_admin_viewset")
def register_path_enrollments():
    return path_enrollment_viewset


@hooks.register("register_admin_urls")
def register_path_admin_urls():
    return [
        path(
            "paths/enroll/",
            views.PathEnrollView.as_view(),
            name="path_admin_enroll",
        ),
        path(
            "paths/enrollments/<int:pk>/mentor/",
            views.MentorView.as_view(),
            name="path_admin_mentor",
        ),
        path(
            "paths/signoffs/",
            views.SignOffQueueView.as_view(),
            name="path_admin_signoffs",
        ),
        path(
            "paths/signoffs/<int:enrollment_id>/<int:stage_id>/",
            views.SignOffView.as_view(),
            name="path_admin_signoff",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_paths_menu():
    menu = Menu(
        items=[
            PermissionMenuItem(
                _("学习路径报名"),
                reverse(f"{views.ENROLLMENTS}:index"),
                name="path-enrollments",
                icon_name="list-ol",
                order=100,
                permissions=["courses.view_pathenrollment"],
            ),
            PermissionMenuItem(
                _("实践任务待签字"),
                reverse("path_admin_signoffs"),
                name="path-signoffs",
                icon_name="tick-inverse",
                order=200,
                permissions=[views.SIGN_OFF],
            ),
        ]
    )
    return SubmenuMenuItem(
        _("学习路径"), menu, name="learning-paths", icon_name="list-ol", order=285
    )


def reevaluate_published_path(sender, instance, **kwargs):
    path_enrollments_evaluate(path=instance)


page_published.connect(
    reevaluate_published_path,
    sender=LearningPath,
    dispatch_uid="path-enrollments-reevaluate",
)

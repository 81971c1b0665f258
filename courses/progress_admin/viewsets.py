"""The admin viewset of learner progress, 学习进度 (read-only);
``courses.wagtail_hooks`` registers it and the permission policy below.

Only the listing exists (with its XLSX/CSV export): enrolments change through
``courses.services.progress``, never a generic edit form.
"""

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy

from courses.progress_admin import views
from courses.progress_admin.filters import EnrollmentFilterSet
from courses.selectors.quiz_results import is_training_admin
from courses.viewsets import ServiceOnlyViewSet


class EnrollmentPermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, narrowed per object to
    ``views.enrollments_visible_to``: a trainer holds "view" on Enrollment, but only
    for enrolments of courses they can edit."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if is_training_admin(user):
            return True
        return views.enrollments_visible_to(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return views.enrollments_visible_to(user)


class EnrollmentViewSet(ServiceOnlyViewSet):
    model = views.Enrollment
    name = views.ENROLLMENTS
    url_prefix = "progress/enrollments"
    icon = "tasks"
    add_to_admin_menu = True
    menu_label = _("学习进度")
    menu_name = "progress-enrollments"
    menu_order = 280  # after 反馈 (270)
    index_view_class = views.EnrollmentIndexView
    filterset_class = EnrollmentFilterSet
    search_fields = ["user__username"]  # the view searches names too
    search_backend_name = None
    list_per_page = 50

    def get_permissions_to_register(self):
        # Read-only: enrolments and lesson progress are only viewed in the admin.
        return Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["view_enrollment", "view_lessonprogress"],
        )

    def register_admin_url_finder(self):
        pass

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

"""The admin viewset of path enrolments (学习路径报名); ``hooks`` registers it with
the menu and the extra views. Only the listing is generic: mentors, enrolments and
sign-offs change through ``courses.services.paths``, never a generic edit form."""

from django.contrib.auth.models import Permission
from django.urls import path

from courses.path_admin import views
from courses.viewsets import ServiceOnlyViewSet


class PathEnrollmentViewSet(ServiceOnlyViewSet):
    model = views.PathEnrollment
    name = views.ENROLLMENTS
    url_prefix = "paths/enrollments"
    icon = "list-ol"
    add_to_admin_menu = False  # in the 学习路径 submenu (hooks)
    index_view_class = views.PathEnrollmentIndexView
    filterset_class = views.PathEnrollmentFilterSet
    search_fields = ["user__username"]  # the view searches names too
    search_backend_name = None
    list_per_page = 50

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=[
                "view_pathenrollment",
                "change_pathenrollment",
                "add_stagesignoff",
                "view_stagesignoff",
            ],
        )

    def register_admin_url_finder(self):
        pass

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


path_enrollment_viewset = PathEnrollmentViewSet()

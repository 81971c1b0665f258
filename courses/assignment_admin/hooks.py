"""Admin registration of 培训指派 (imported by courses.wagtail_hooks)."""

from wagtail import hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from courses.assignment_admin.viewsets import AssignmentViewSet
from courses.models import Assignment

register_permission_policy(Assignment, ModelPermissionPolicy(Assignment))
hooks.register("register_admin_viewset", AssignmentViewSet)

"""Reads of the certificate registry (证书登记簿): who sees which certificates and
the status derived in SQL.

Who sees what: training admins and superusers every certificate; other holders of
``courses.view_certificate`` (trainers) the certificates of courses and learning
paths they can edit; anyone else nothing. ``display_status`` is the status a holder
would see (valid / expired / revoked / superseded), computed by a ``Case`` so the
status filter and the ordering run in SQL.
"""

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models.certificates import Certificate, CertificateStatus
from courses.selectors.quiz_results import is_training_admin
from courses.services.certificates import DisplayStatus

CERTIFICATES = "certificate_registry"

STATUS_LABELS = {
    DisplayStatus.VALID: _("有效"),
    DisplayStatus.EXPIRED: _("已过期"),
    DisplayStatus.REVOKED: _("已撤销"),
    DisplayStatus.SUPERSEDED: _("已被新证书取代"),
}
STATUS_CHOICES = list(STATUS_LABELS.items())


def certificates_visible_to(user) -> QuerySet:
    """Certificates ``user`` may read (see the module docstring)."""
    if not (user and user.is_authenticated and user.is_active):
        return Certificate.objects.none()
    if is_training_admin(user):
        return Certificate.objects.all()
    if not user.has_perm("courses.view_certificate"):
        return Certificate.objects.none()
    editable = (
        PagePermissionPolicy()
        .instances_user_has_permission_for(user, "change")
        .order_by()
        .values("pk")
    )
    return Certificate.objects.filter(
        Q(course_id__in=editable) | Q(path_id__in=editable)
    )


def with_display_status(queryset: QuerySet, *, today=None) -> QuerySet:
    """``display_status``: revoked and superseded as stored, a valid one whose
    ``valid_until`` has passed is "expired"."""
    today = today or timezone.localdate()
    return queryset.annotate(
        display_status=Case(
            When(status=CertificateStatus.REVOKED, then=Value(DisplayStatus.REVOKED)),
            When(
                status=CertificateStatus.SUPERSEDED,
                then=Value(DisplayStatus.SUPERSEDED),
            ),
            When(valid_until__lt=today, then=Value(DisplayStatus.EXPIRED)),
            default=Value(DisplayStatus.VALID),
            output_field=CharField(),
        )
    )


def status_label(certificate) -> str:
    return str(STATUS_LABELS.get(certificate.display_status, ""))


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, narrowed per object to ``certificates_visible_to``:
    a trainer holds "view" on Certificate, but only for certificates of courses they
    can edit. Revoking, reissuing and issuing ("change", "add") are training admins'
    (the 培训管理员 group holds them)."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if is_training_admin(user):
            return True
        return certificates_visible_to(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return certificates_visible_to(user)

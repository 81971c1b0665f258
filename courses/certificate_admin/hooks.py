"""Admin registration of certificates (imported by courses.wagtail_hooks): the
证书 menu (证书登记簿, 证书模板, 讲师资格), the certificate permission policy and
the refusal to delete a template in use."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.certificate_admin.designs import refuse_deleting_used_templates
from courses.certificate_admin.registry import CertificatePermissionPolicy
from courses.certificate_admin.viewsets import CertificateAdminGroup
from courses.models.certificates import Certificate

# Wagtail 8 wants permission policies registered before any viewset asks for one.
register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))
register_snippet(CertificateAdminGroup)

hooks.register("before_delete_snippet", refuse_deleting_used_templates)

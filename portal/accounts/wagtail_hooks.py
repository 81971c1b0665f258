"""Wagtail hooks of the accounts app: registration only, the viewsets live in
``viewsets.py``."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from portal.accounts.models import Organisation
from portal.accounts.viewsets import OrganisationViewSet

# Wagtail 8 wants permission policies registered before any viewset asks for one.
register_permission_policy(Organisation)


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations")

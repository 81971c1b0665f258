"""Admin viewsets of the accounts app; ``wagtail_hooks.py`` registers them.

- Organisations: a data listing (customers and departments) filtered by kind,
  searchable by name and code, with each one's member count.
- Users: Wagtail's own user viewset with the profile fields in its forms. Wagtail picks
  it up through ``portal.accounts.apps.UsersAppConfig`` (in place of ``wagtail.users``
  in ``INSTALLED_APPS``), the documented way to customise the user forms in Wagtail 8.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from portal.accounts.admin_forms import ProfileUserCreationForm, ProfileUserEditForm
from portal.accounts.models import Organisation


class OrganisationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(member_count=Count("members"))


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    index_view_class = OrganisationIndexView
    icon = "group"
    menu_label = _("组织")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "name",
        "kind",
        "code",
        Column("member_count", label=_("成员数"), sort_key="member_count"),
        DateColumn("created_at", label=_("创建时间"), sort_key="created_at"),
    ]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    search_backend_name = None  # plain database search on the two columns
    ordering = ["kind", "name"]
    form_fields = ["name", "kind", "code"]
    inspect_view_enabled = True
    inspect_view_fields = ["name", "kind", "code", "created_at"]
    copy_view_enabled = False


class UserViewSet(WagtailUserViewSet):
    create_template_name = "accounts/admin/user_create.html"
    edit_template_name = "accounts/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return ProfileUserEditForm if for_update else ProfileUserCreationForm

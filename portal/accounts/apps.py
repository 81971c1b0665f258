from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users import apps as wagtail_users_apps


class AccountsConfig(AppConfig):
    default = True  # the config Django picks for "portal.accounts"
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("账号与组织")


class UsersAppConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's users app with the profile fields in the user forms.

    List ``"portal.accounts.apps.UsersAppConfig"`` in ``INSTALLED_APPS`` instead of
    ``"wagtail.users"`` (Wagtail's documented way to customise the user viewset).
    """

    default = False
    user_viewset = "portal.accounts.viewsets.UserViewSet"

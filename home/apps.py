from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("站点内容")

    def ready(self):
        from home.search import signals as search_signals
        from portal import cache

        cache.connect_invalidation_signals()
        search_signals.connect()

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.search import views as search_views
from portal.api import api_router

urlpatterns = [
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("portal.accounts.urls")),
    path("learn/", include("courses.urls")),
    path("my/", include("courses.dashboard_views")),
    path("feedback/", include("courses.feedback_urls")),
    path("certificates/", include("courses.certificate_urls")),
    path("api/v2/", api_router.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/switch/", home_views.switch_language, name="switch_language"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("tags/<str:tag>/", home_views.tag_view, name="tag"),
    path("search/", search_views.search_view, name="search"),
    path("search/suggest/", search_views.suggest_view, name="search_suggest"),
    path("help/vote/<int:article_id>/", home_views.article_vote, name="article_vote"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
handler403 = "home.views.permission_denied"

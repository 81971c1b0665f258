"""Non-page endpoints of the site: votes, tag listings, robots.txt and error pages."""

import secrets

from django.apps import apps
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from home.audiences import can_view_page, visible_pages
from home.models import ArticlePage, FaqItem, paginate
from home.services import article_vote_record
from portal.ratelimit import client_ip, hit

VISITOR_COOKIE = "shifu_visitor"
VISITOR_COOKIE_AGE = 365 * 24 * 3600


def _voter_key(request) -> tuple[str, str | None]:
    """The voter's key and, for a new anonymous visitor, the id to store in a cookie."""
    if request.user.is_authenticated:
        return f"u:{request.user.pk}", None
    visitor = request.get_signed_cookie(VISITOR_COOKIE, default=None, salt="visitor")
    if visitor:
        return f"a:{visitor}", None
    visitor = secrets.token_hex(16)
    return f"a:{visitor}", visitor


@never_cache
@require_http_methods(["GET", "POST"])
def article_vote(request, article_id: int):
    """GET: a small confirmation form (works without JavaScript, and hands the script a
    CSRF token); POST: record the vote, then back to the article."""
    article = get_object_or_404(ArticlePage.objects.live(), pk=article_id)
    if not can_view_page(article, request.user):
        return permission_denied(request)
    if request.method == "GET":
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"csrf_token": get_token(request)})
        return render(request, "home/article_vote.html", {"article": article})
    choice = request.POST.get("helpful")
    if choice not in ("yes", "no"):
        return render(
            request,
            "home/article_vote.html",
            {"article": article, "error": _("请选择“是”或“否”。")},
            status=400,
        )
    if not hit(
        "vote",
        client_ip(request),
        limit=settings.VOTE_RATE_LIMIT[0],
        window=settings.VOTE_RATE_LIMIT[1],
    ):
        return render(request, "429.html", status=429)
    voter_key, new_visitor = _voter_key(request)
    article_vote_record(article=article, voter_key=voter_key, helpful=choice == "yes")
    if request.headers.get("Accept", "").startswith("application/json"):
        response = JsonResponse({"ok": True, "message": _("感谢您的反馈！")})
    else:
        response = redirect(article.url + "?voted=1#helpful")
    if new_visitor:
        response.set_signed_cookie(
            VISITOR_COOKIE,
            new_visitor,
            salt="visitor",
            max_age=VISITOR_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
def tag_view(request, tag: str):
    """Everything carrying a tag: help articles, FAQ items and courses the visitor may
    see."""
    tag = tag[:100]
    course_page = apps.get_model("courses", "CoursePage")
    articles = list(
        visible_pages(ArticlePage.objects.live(), request.user)
        .filter(tags__name=tag)
        .order_by("title")
    )
    courses = list(
        visible_pages(course_page.objects.live(), request.user)
        .filter(tags__name=tag)
        .order_by("title")
    )
    faq_items = list(
        FaqItem.objects.filter(
            tags__name=tag,
            page__in=visible_pages(
                apps.get_model("home", "FaqPage").objects.live(), request.user
            ),
        )
        .select_related("page", "category")
        .order_by("page_id", "sort_order")
    )
    return render(
        request,
        "home/tag.html",
        {
            "tag": tag,
            "articles": articles,
            "courses": courses,
            "faq_items": faq_items,
            "total": len(articles) + len(courses) + len(faq_items),
        },
    )


@require_GET
def switch_language(request):
    """Switch the interface language by a plain link, so cached pages need no CSRF
    token.

    Changing a cookie-stored preference is harmless, unlike the writes CSRF guards.
    """
    language = request.GET.get("language", "")
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /feedback/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({}), status=500)


__all__ = ["article_vote", "tag_view", "robots_txt", "paginate"]

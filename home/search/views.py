"""The search page (``/search/?q=``) and title suggestions (``/search/suggest/?q=``).

The page is a plain GET view: anonymous responses are cached whole by
``portal.cache`` (same URL, same page); signed-in users always get a fresh private
page. Searches are counted in the cache (``querylog``), never written per request;
a page served from the page cache is counted by ``signals.count_cached_search``.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from home.audiences import hidden_pages_q
from home.search import querylog, service
from home.search.text import normalise_query
from portal.cache import current_generation
from portal.ratelimit import client_ip, hit

PAGE_SIZE = 10
MAX_PAGE = 20  # 200 results at most, as the backend returns
SUGGEST_CACHE_SECONDS = 300


def _page_number(request) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def _tag_choices() -> list[str]:
    """Tags used by articles, FAQ items and courses, for the tag filter (cached per
    cache generation, so a publish refreshes it)."""
    from django.apps import apps

    key = f"search:tags:{current_generation()}"
    tags = cache.get(key)
    if tags is None:
        names = set()
        for through in (
            "home.ArticlePageTag",
            "home.FaqItemTag",
            "courses.CoursePageTag",
        ):
            names.update(
                apps.get_model(through).objects.values_list("tag__name", flat=True)
            )
        tags = sorted(names)
        cache.set(key, tags, timeout=None)
    return tags


@require_GET
def search_view(request):
    raw_query = request.GET.get("q", "")
    types = [kind for kind in request.GET.getlist("type") if kind in service.KINDS]
    tag = request.GET.get("tag", "").strip()[:100]
    number = _page_number(request)

    def run(page_number):
        return service.search(
            raw_query,
            user=request.user,
            types=types or None,
            tag=tag or None,
            limit=PAGE_SIZE,
            offset=(page_number - 1) * PAGE_SIZE,
            request=request,
        )

    results = run(number)
    last = max(1, -(-results.total // PAGE_SIZE))
    if number > last:
        number = last
        results = run(number)
    if not results.problem:
        querylog.record(results.query, found=results.found)
        querylog.maybe_flush()
    page_obj = Paginator(range(results.total), PAGE_SIZE).get_page(number)
    suggestions = []
    if results.query and number == 1 and results.total < 3:
        suggestions = service.suggest(results.query, user=request.user)
    query_param = [("q", raw_query.strip()[:100])]
    tag_param = [("tag", tag)] if tag else []
    type_params = [("type", kind) for kind in types]
    labels = service.kind_labels()
    type_links = [
        {
            "label": labels[kind] if kind else "",
            "kind": kind,
            "url": "?"
            + urlencode(query_param + ([("type", kind)] if kind else []) + tag_param),
            "current": (types == [kind]) if kind else not types,
        }
        for kind in ("", *service.KINDS)
    ]
    response = render(
        request,
        "search/search.html",
        {
            "results": results,
            "query": results.query,
            "shown_query": raw_query.strip()[:100],
            "page_obj": page_obj,
            "suggestions": suggestions,
            "selected_types": types,
            "selected_tag": tag,
            "type_links": type_links,
            "tag_choices": _tag_choices(),
            "extra_query": "&" + urlencode(query_param + type_params + tag_param),
        },
    )
    if not results.problem:
        # Kept with the response in the page cache, so cached hits count too.
        response.search_log = (results.query, results.found)
    return response


@require_GET
def suggest_view(request):
    """``{"query": ..., "suggestions": [{"title", "url", "type", "type_label"}]}``."""
    limit, window = settings.SEARCH_SUGGEST_RATE_LIMIT
    if not hit("search-suggest", client_ip(request), limit=limit, window=window):
        return JsonResponse({"error": "rate_limited", "suggestions": []}, status=429)
    query = normalise_query(request.GET.get("q", ""))
    suggestions = []
    if query:
        audience = str(hidden_pages_q(request.user))
        digest = hashlib.sha256(f"{audience}|{query}".encode()).hexdigest()[:32]
        key = f"search:suggest:{current_generation()}:{digest}"
        suggestions = cache.get(key)
        if suggestions is None:
            suggestions = [
                {
                    "title": suggestion.title,
                    "url": suggestion.url,
                    "type": suggestion.kind,
                    "type_label": suggestion.kind_label,
                }
                for suggestion in service.suggest(query, user=request.user)
            ]
            cache.set(key, suggestions, SUGGEST_CACHE_SECONDS)
    response = JsonResponse({"query": query, "suggestions": suggestions})
    if request.user.is_authenticated:
        response["Cache-Control"] = "private, no-store"
    return response

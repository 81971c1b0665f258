"""Site search: one ranked list of help articles, FAQ items, handbook chapters,
courses and lessons.

``search(query, user=...)`` is the one entry point (the search page, the relevance
tests and the benchmark call it). A search costs a fixed number of queries whatever
the number of results: one backend query for pages and one for FAQ items per query
tier (strict; then, while fewer than ``RELAX_BELOW`` were found, "all words but one"
and "any word"), loading ids only; one per result type shown for titles and snippets;
cached reads for synonyms, promotions and view restrictions. The ranking (ids and
scores) is cached per query, filters and audience, so a repeated query skips the
backend queries (``_candidates``).

Scores: every backend query uses the same search expression over the same index, so
raw scores are comparable between the page and the FAQ query; they are turned into
"higher is better" (``backend.relevance``) and scaled to 0..1, each tier's results
below those of the narrower tiers.
"""

import hashlib
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from home.audiences import (
    can_view_page,
    page_restriction_rules,
    user_passes,
    visible_pages,
)
from home.search.highlight import highlight, snippet
from home.search.query import (
    SYNONYMS_GENERATION_KEY,
    QueryPlan,
    _generation,
    plan_query,
)
from home.search.text import MAX_QUERY_LENGTH, normalise
from portal.cache import current_generation

KINDS = ("article", "faq", "chapter", "course", "lesson")
TAGGED_KINDS = ("article", "faq", "course")
PAGE_MODELS = {
    "article": "home.ArticlePage",
    "chapter": "home.HandbookChapterPage",
    "course": "courses.CoursePage",
    "lesson": "courses.LessonPage",
}
# Fields whose text makes the snippet, per kind (StreamFields give their blocks' text).
SNIPPET_FIELDS = {
    "article": ("summary", "body"),
    "faq": ("answer",),
    "chapter": ("body",),
    "course": ("summary", "objectives"),
    "lesson": ("summary", "body"),
}
MAX_RESULTS = 200  # per backend query
SNIPPET_TEXT_CACHE_SECONDS = 24 * 3600
RELAX_BELOW = 5
SUGGESTION_COUNT = 6
PROMOTIONS_GENERATION_KEY = "search:promotions:generation"

# (score, kind, id): one ranked hit before its row is loaded.
Candidate = tuple[float, str, int]


def kind_labels() -> dict[str, str]:
    return {
        "article": _("帮助文章"),
        "faq": _("常见问题"),
        "chapter": _("手册章节"),
        "course": _("课程"),
        "lesson": _("课时"),
        "link": _("推荐链接"),
    }


def section_labels() -> dict[str, str]:
    return {
        "article": _("帮助中心"),
        "faq": _("常见问题"),
        "chapter": _("培训手册"),
        "course": _("课程"),
        "lesson": _("课程"),
        "link": _("推荐"),
    }


@dataclass
class SearchHit:
    """One result: a page, a FAQ item or an editor's promoted link."""

    kind: str
    pk: int
    title: str = ""
    url: str = ""
    section: str = ""
    kind_label: str = ""
    snippet: SafeString = SafeString("")
    title_html: SafeString = SafeString("")
    score: float = 0.0
    promoted: bool = False
    obj: object = None


@dataclass
class SearchResults:
    """``hits`` in ranked order (the requested slice), ``total`` hits in all, the
    normalised ``query``; ``problem`` says why nothing was searched ("empty",
    "no_words"), ``truncated`` that the query was cut to 100 characters."""

    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    raw_query: str = ""
    problem: str = ""
    truncated: bool = False
    relaxed: bool = False
    terms: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.total > 0


# Candidates --------------------------------------------------------------------------


def _page_models(kinds) -> dict[str, type]:
    return {kind: apps.get_model(PAGE_MODELS[kind]) for kind in kinds}


def _tagged_ids(kind: str, tag: str):
    through = {
        "article": "home.ArticlePageTag",
        "faq": "home.FaqItemTag",
        "course": "courses.CoursePageTag",
    }[kind]
    return (
        apps.get_model(through)
        .objects.filter(tag__name=tag)
        .values("content_object_id")
    )


def _page_queryset(kinds, *, user, tag):
    models = _page_models(kinds)
    queryset = visible_pages(Page.objects.live().type(*models.values()), user)
    if tag:
        tagged = Q()
        for kind in kinds:
            tagged |= Q(pk__in=_tagged_ids(kind, tag))
        queryset = queryset.filter(tagged)
    return queryset


def _visible_faq_page_ids(user) -> list[int]:
    """Live FAQ pages ``user`` may open. The (few) pages and paths are cached per
    page-cache generation: as a sub-query, SQLite walks every page row to find them."""
    key = f"search:faq-pages:{current_generation()}"
    pages = cache.get(key)
    if pages is None:
        faq_page = apps.get_model("home", "FaqPage")
        pages = list(faq_page.objects.live().values_list("pk", "path"))
        cache.set(key, pages, timeout=24 * 3600)
    hidden = tuple(
        rule.path for rule in page_restriction_rules() if not user_passes(rule, user)
    )
    return [pk for pk, path in pages if not (hidden and path.startswith(hidden))]


def _faq_queryset(*, user, tag):
    faq_item = apps.get_model("home", "FaqItem")
    queryset = faq_item.objects.filter(page__in=_visible_faq_page_ids(user))
    if tag:
        queryset = queryset.filter(id__in=_tagged_ids("faq", tag))
    return queryset


def _kind_of_content_type() -> dict[int, str]:
    from django.contrib.contenttypes.models import ContentType

    return {
        ContentType.objects.get_for_model(model).pk: kind
        for kind, model in _page_models(PAGE_MODELS).items()
    }


def _relevance(backend, score) -> float:
    """Higher is better. Our database backends convert their scores; a search
    cluster's backend (OpenSearch, Elasticsearch) scores higher-is-better already."""
    convert = getattr(backend, "relevance", None)
    return convert(score) if convert else float(score or 0.0)


def _ranked_values(backend, query, queryset, fields) -> list[tuple]:
    """(score, *fields) of the best ``MAX_RESULTS`` matches: straight from the
    database backends (no model instances), or from any backend's results."""
    results = backend.search(query, queryset).annotate_score("_score")[:MAX_RESULTS]
    if hasattr(results, "ranked_values"):
        return results.ranked_values(fields)
    return [
        (item._score, *(getattr(item, name) for name in fields)) for item in results
    ]


def _run(backend, query, *, kinds, user, tag) -> list[Candidate]:
    """(relevance, kind, id) for one backend query over the chosen kinds. Only ids
    and content types are read: the rows of the hits shown are loaded later."""
    found = []
    page_kinds = [kind for kind in kinds if kind in PAGE_MODELS]
    if tag:
        page_kinds = [kind for kind in page_kinds if kind in TAGGED_KINDS]
    if page_kinds:
        kind_of = _kind_of_content_type()
        pages = _page_queryset(page_kinds, user=user, tag=tag)
        for score, pk, content_type_id in _ranked_values(
            backend, query, pages, ("pk", "content_type_id")
        ):
            kind = kind_of.get(content_type_id)
            if kind:
                found.append((_relevance(backend, score), kind, pk))
    if "faq" in kinds:
        items = _faq_queryset(user=user, tag=tag)
        for score, pk in _ranked_values(backend, query, items, ("pk",)):
            found.append((_relevance(backend, score), "faq", pk))
    found.sort(key=lambda entry: -entry[0])
    return found


def _scaled(found, low: float, high: float) -> list[Candidate]:
    top = max((relevance for relevance, _, _ in found), default=0.0)
    top = top if top > 0 else 1.0
    return [
        (low + (high - low) * max(relevance, 0.0) / top, kind, pk)
        for relevance, kind, pk in found
    ]


def _rank(plan: QueryPlan, *, kinds, user, tag) -> tuple[list[Candidate], bool]:
    """Ranked (score, kind, id) for the plan's query tiers: the strict query, then,
    while fewer than ``RELAX_BELOW`` were found, the wider ones, their results ranked
    below those of the narrower tiers."""
    backend = get_search_backend()
    tiers = plan.tiers()
    ranked: list = []
    seen: set = set()
    widened = False
    for number, query in enumerate(tiers):
        if number and len(ranked) >= RELAX_BELOW:
            break
        found = [
            entry
            for entry in _run(backend, query, kinds=kinds, user=user, tag=tag)
            if entry[1:] not in seen
        ]
        seen.update(entry[1:] for entry in found)
        high = 1.0 - number / len(tiers)
        ranked += _scaled(found, high - 0.9 / len(tiers), high)
        widened = widened or (number > 0 and bool(found))
    return ranked, widened


def _ranking_cache_key(plan: QueryPlan, *, kinds, user, tag) -> str:
    """Rankings differ only by query, filters and what the user may not see: users
    hidden from the same restricted sections share one entry. The page-cache
    generation (bumped on publish, unpublish, moves and privacy changes) and the
    synonym generation make any change show at once."""
    hidden = sorted(
        rule.path for rule in page_restriction_rules() if not user_passes(rule, user)
    )
    identity = "\x1f".join(
        [plan.text, ",".join(sorted(kinds)), tag or "", ",".join(hidden)]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:40]
    return (
        f"search:ranking:{current_generation()}:"
        f"{_generation(SYNONYMS_GENERATION_KEY)}:{digest}"
    )


def _candidates(plan: QueryPlan, *, kinds, user, tag) -> tuple[list[Candidate], bool]:
    """The ranking for a query, from the cache when the same query, filters and
    audience were searched within ``SEARCH_RESULTS_CACHE_SECONDS`` (0 turns the cache
    off): a popular query costs no full-text search, whatever the number of pages."""
    seconds = getattr(settings, "SEARCH_RESULTS_CACHE_SECONDS", 60)
    if seconds <= 0:
        return _rank(plan, kinds=kinds, user=user, tag=tag)
    key = _ranking_cache_key(plan, kinds=kinds, user=user, tag=tag)
    cached = cache.get(key)
    if cached is None:
        cached = _rank(plan, kinds=kinds, user=user, tag=tag)
        cache.set(key, cached, timeout=seconds)
    return cached


# Promotions --------------------------------------------------------------------------


def bump_promotions(**_kwargs) -> None:
    """Drop cached promotions (signal receiver for promotion and query changes)."""
    try:
        cache.incr(PROMOTIONS_GENERATION_KEY)
    except ValueError:
        cache.set(PROMOTIONS_GENERATION_KEY, 2, timeout=None)


def promotions_by_query() -> dict[str, list[dict]]:
    """Every promotion keyed by its normalised query, from the cache or one query."""
    key = f"search:promotions:{_generation(PROMOTIONS_GENERATION_KEY)}"
    table = cache.get(key)
    if table is None:
        from wagtail.contrib.search_promotions.models import SearchPromotion

        table = {}
        promotions = SearchPromotion.objects.select_related("query").order_by(
            "sort_order", "pk"
        )
        for promotion in promotions:
            table.setdefault(normalise(promotion.query.query_string), []).append(
                {
                    "page_id": promotion.page_id,
                    "url": promotion.external_link_url,
                    "text": promotion.external_link_text or "",
                    "description": promotion.description,
                }
            )
        cache.set(key, table, timeout=None)
    return table


def _promoted(plan: QueryPlan, *, kinds, user, tag, request) -> list[SearchHit]:
    entries = promotions_by_query().get(plan.text, [])
    if not entries or tag:
        return []
    page_ids = [entry["page_id"] for entry in entries if entry["page_id"]]
    pages = {
        page.pk: page for page in Page.objects.live().filter(pk__in=page_ids).specific()
    }
    kind_by_model = {model: kind for kind, model in _page_models(PAGE_MODELS).items()}
    labels, sections = kind_labels(), section_labels()
    hits = []
    for entry in entries:
        if entry["page_id"]:
            page = pages.get(entry["page_id"])
            if page is None or not can_view_page(page, user):
                continue
            kind = kind_by_model.get(type(page), "link")
            if kind != "link" and kind not in kinds:
                continue
            text = entry["description"] or getattr(page, "summary", "") or ""
            hits.append(
                SearchHit(
                    kind=kind,
                    pk=page.pk,
                    title=page.title,
                    url=page.get_url(request) or "",
                    section=sections[kind],
                    kind_label=labels[kind],
                    snippet=snippet(text, plan.highlight_terms),
                    title_html=highlight(page.title, plan.highlight_terms),
                    score=1.0,
                    promoted=True,
                    obj=page,
                )
            )
        elif entry["url"] and set(kinds) == set(KINDS):
            title = entry["text"] or entry["url"]
            hits.append(
                SearchHit(
                    kind="link",
                    pk=0,
                    title=title,
                    url=entry["url"],
                    section=sections["link"],
                    kind_label=labels["link"],
                    snippet=snippet(entry["description"], plan.highlight_terms),
                    title_html=highlight(title, plan.highlight_terms),
                    score=1.0,
                    promoted=True,
                )
            )
    return hits


# Hits --------------------------------------------------------------------------------


def _field_text(obj, name: str) -> str:
    try:
        model_field = obj._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a plain attribute, not a model field
        return str(getattr(obj, name, "") or "")
    value = model_field.value_from_object(obj)
    if hasattr(model_field, "get_searchable_content"):
        parts = model_field.get_searchable_content(value)
        return " ".join(str(part) for part in parts if part)
    return str(value or "")


def _text_version(kind: str, row) -> str:
    """Changes whenever the row's text can have changed: pages are republished,
    FAQ items change with their page."""
    page = row.page if kind == "faq" else row
    published = page.last_published_at
    return f"{page.latest_revision_id}-{published.timestamp() if published else 0}"


def _snippet_texts(kind: str, rows) -> dict[int, str]:
    """The plain text snippets are cut from, per row id: from the cache, else from
    the rows' StreamField and text fields (one query for the rows not cached)."""
    keys = {
        row.pk: f"search:text:{kind}:{row.pk}:{_text_version(kind, row)}"
        for row in rows
    }
    cached = cache.get_many(list(keys.values()))
    texts = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in texts]
    if missing:
        fields = SNIPPET_FIELDS[kind]
        model = apps.get_model(PAGE_MODELS.get(kind, "home.FaqItem"))
        fresh = {}
        for row in model.objects.filter(pk__in=missing).only("pk", *fields):
            text = " ".join(_field_text(row, name) for name in fields)
            texts[row.pk] = text
            fresh[keys[row.pk]] = text
        cache.set_many(fresh, timeout=SNIPPET_TEXT_CACHE_SECONDS)
    return texts


def _materialise(entries, plan: QueryPlan, request) -> list[SearchHit]:
    """Full hits for the ranked ``entries`` (score, kind, id) shown: one query per
    page kind and one for FAQ items (with their page) for titles and URLs; snippet
    texts come from the cache or one more query per kind."""
    by_kind: dict[str, list[int]] = {}
    for _score, kind, pk in entries:
        by_kind.setdefault(kind, []).append(pk)
    loaded, texts = {}, {}
    for kind, ids in by_kind.items():
        fields = SNIPPET_FIELDS[kind]
        if kind == "faq":
            rows = (
                apps.get_model("home", "FaqItem")
                .objects.filter(pk__in=ids)
                .select_related("page")
                .defer(*fields)
            )
        else:
            model = apps.get_model(PAGE_MODELS[kind])
            rows = model.objects.filter(pk__in=ids).defer(*fields)
        rows = list(rows)
        for row in rows:
            loaded[(kind, row.pk)] = row
        texts.update(
            {(kind, pk): text for pk, text in _snippet_texts(kind, rows).items()}
        )
    labels, sections = kind_labels(), section_labels()
    terms = plan.highlight_terms
    hits = []
    for score, kind, pk in entries:
        item = loaded.get((kind, pk))
        if item is None:  # deleted since the ranking was cached
            continue
        if kind == "faq":
            title = item.question
            url = f"{item.page.get_url(request) or ''}#{item.anchor}"
        else:
            title = item.title
            url = item.get_url(request) or ""
        hits.append(
            SearchHit(
                kind=kind,
                pk=item.pk,
                title=title,
                url=url,
                section=sections[kind],
                kind_label=labels[kind],
                snippet=snippet(texts.get((kind, pk), ""), terms),
                title_html=highlight(title, terms),
                score=round(score, 4),
                obj=item,
            )
        )
    return hits


def search(
    query: str,
    *,
    user,
    types: list[str] | None = None,
    tag: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    request=None,
) -> SearchResults:
    """Search everything ``user`` may open. ``types`` limits the result kinds
    (``KINDS``), ``tag`` keeps tagged kinds (articles, FAQ items, courses) with that
    tag; ``offset``/``limit`` choose the slice of hits returned (all, up to
    ``MAX_RESULTS`` per type, when ``limit`` is None). Editors' promoted results for
    the query come first."""
    raw = str(query or "")
    kinds = [kind for kind in (types or KINDS) if kind in KINDS] or list(KINDS)
    tag = (tag or "").strip()[:100] or None
    plan = plan_query(raw)
    results = SearchResults(
        query=plan.text,
        raw_query=raw,
        truncated=len(raw.strip()) > MAX_QUERY_LENGTH,
        terms=plan.highlight_terms,
    )
    if not raw.strip():
        results.problem = "empty"
        return results
    if plan.is_empty:
        results.problem = "no_words"
        return results
    ranked, results.relaxed = _candidates(plan, kinds=kinds, user=user, tag=tag)
    promoted = _promoted(plan, kinds=kinds, user=user, tag=tag, request=request)
    promoted_keys = {(hit.kind, hit.pk) for hit in promoted}
    ranked = [entry for entry in ranked if entry[1:] not in promoted_keys]
    results.total = len(promoted) + len(ranked)
    stop = None if limit is None else offset + limit
    shown_promoted = promoted[offset:stop]
    organic_start = max(0, offset - len(promoted))
    organic_stop = None if stop is None else max(0, stop - len(promoted))
    results.hits = shown_promoted + _materialise(
        ranked[organic_start:organic_stop], plan, request
    )
    return results


# Suggestions -------------------------------------------------------------------------


@dataclass
class Suggestion:
    title: str
    url: str
    kind: str

    @cached_property
    def kind_label(self) -> str:
        return kind_labels()[self.kind]


def suggest(query: str, *, user, limit: int = SUGGESTION_COUNT) -> list[Suggestion]:
    """Titles that start with or contain the words typed so far (autocomplete), for
    the header's suggestion list and the "您是不是要找" line of the results page."""
    plan = plan_query(query)
    autocomplete = plan.autocomplete() if plan.text else None
    if autocomplete is None:
        return []
    backend = get_search_backend()
    kind_of = _kind_of_content_type()
    found = []
    pages = backend.autocomplete(
        autocomplete,
        _page_queryset(list(PAGE_MODELS), user=user, tag=None).only(
            "id", "title", "url_path", "content_type_id", "path"
        ),
    )
    for page in pages.annotate_score("_score")[:limit]:
        if page.content_type_id in kind_of:
            found.append(
                (_relevance(backend, page._score), kind_of[page.content_type_id], page)
            )
    items = backend.autocomplete(
        autocomplete, _faq_queryset(user=user, tag=None).select_related("page")
    )
    for item in items.annotate_score("_score")[:limit]:
        found.append((_relevance(backend, item._score), "faq", item))
    found.sort(key=lambda entry: -entry[0])
    suggestions = []
    for _score, kind, obj in found[:limit]:
        if kind == "faq":
            url = f"{obj.page.get_url() or ''}#{obj.anchor}"
            suggestions.append(Suggestion(obj.question, url, kind))
        else:
            suggestions.append(Suggestion(obj.title, obj.get_url() or "", kind))
    return suggestions

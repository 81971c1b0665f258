"""Who may see which pages: the one place that turns Wagtail view restrictions into
queryset filters for menus, listings, tag pages and the page cache.

Wagtail's ``.public()`` hides every restricted page from everybody; here a page stays
visible to users who satisfy its restriction (e.g. service staff see staff-only
courses). The restrictions are read once per cache generation (see ``portal.cache``,
which bumps the generation whenever a page or collection restriction changes).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from portal.cache import current_generation


@dataclass(frozen=True)
class RestrictionRule:
    """A view restriction reduced to what filtering needs."""

    restriction_type: str
    group_ids: frozenset[int]
    path: str = ""


def user_group_ids(user) -> frozenset[int]:
    """The user's group ids, fetched once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_shifu_group_ids", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("pk", flat=True))
        user._shifu_group_ids = cached
    return cached


def user_passes(rule, user) -> bool:
    """Whether ``user`` passes a restriction (password restrictions never list)."""
    if rule.restriction_type == PageViewRestriction.LOGIN:
        return user.is_authenticated
    if rule.restriction_type == PageViewRestriction.GROUPS:
        if not user.is_authenticated:
            return False
        return user.is_superuser or bool(rule_group_ids(rule) & user_group_ids(user))
    return False


def rule_group_ids(rule) -> frozenset[int]:
    if isinstance(rule, RestrictionRule):
        return rule.group_ids
    return frozenset(group.pk for group in rule.groups.all())


def page_restriction_rules() -> list[RestrictionRule]:
    """Every page view restriction, from the cache or in one query."""
    key = f"audiences:page-restrictions:{current_generation()}"
    rules = cache.get(key)
    if rules is None:
        grouped: dict[int, dict] = {}
        for pk, kind, path, group_id in PageViewRestriction.objects.values_list(
            "pk", "restriction_type", "page__path", "groups"
        ):
            entry = grouped.setdefault(
                pk, {"kind": kind, "path": path, "groups": set()}
            )
            if group_id is not None:
                entry["groups"].add(group_id)
        rules = [
            RestrictionRule(entry["kind"], frozenset(entry["groups"]), entry["path"])
            for entry in grouped.values()
        ]
        cache.set(key, rules, timeout=None)
    return rules


def hidden_pages_q(user) -> Q:
    """A Q matching pages ``user`` must not see; memoised on the user object."""
    cached = getattr(user, "_shifu_hidden_pages_q", None)
    if cached is not None:
        return cached
    q = Q()
    for rule in page_restriction_rules():
        if not user_passes(rule, user):
            q |= Q(path__startswith=rule.path)
    result = q if q else Q(pk__in=[])
    user._shifu_hidden_pages_q = result
    return result


def visible_pages(queryset, user):
    """``queryset`` without pages hidden from ``user`` by view restrictions."""
    return queryset.exclude(hidden_pages_q(user))


def can_view_page(page: Page, user) -> bool:
    """Whether ``user`` passes every view restriction on ``page`` and its ancestors."""
    return not any(
        page.path.startswith(rule.path) and not user_passes(rule, user)
        for rule in page_restriction_rules()
    )

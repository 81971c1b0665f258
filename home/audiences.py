"""Who may see which pages: the one place that turns Wagtail view restrictions into
queryset filters for menus, listings, search, the sitemap and the API.

Wagtail's ``.public()`` hides every restricted page from everybody; here a page stays
visible to users who satisfy its restriction (e.g. service staff see staff-only courses).
"""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction


def _restrictions():
    return list(
        PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    )


def user_passes(restriction: PageViewRestriction, user, group_ids: set[int]) -> bool:
    """Whether ``user`` may view pages under ``restriction`` (password ones never list)."""
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return user.is_authenticated
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return any(group.pk in group_ids for group in restriction.groups.all())
    return False


def hidden_pages_q(user) -> Q:
    """A Q matching pages ``user`` must not see; memoised on the user for one request."""
    cached = getattr(user, "_shifu_hidden_pages_q", None)
    if cached is not None:
        return cached
    group_ids = set(user.groups.values_list("pk", flat=True)) if user.is_authenticated else set()
    q = Q()
    for restriction in _restrictions():
        if not user_passes(restriction, user, group_ids):
            q |= Page.objects.descendant_of_q(restriction.page, inclusive=True)
    result = q if q else Q(pk__in=[])
    try:
        user._shifu_hidden_pages_q = result
    except AttributeError:  # pragma: no cover - AnonymousUser allows attributes
        pass
    return result


def visible_pages(queryset, user):
    """``queryset`` without pages hidden from ``user`` by view restrictions."""
    return queryset.exclude(hidden_pages_q(user))


def can_view_page(page: Page, user) -> bool:
    """Whether ``user`` passes every view restriction on ``page`` and its ancestors."""
    restrictions = page.get_view_restrictions()
    if not restrictions:
        return True
    group_ids = set(user.groups.values_list("pk", flat=True)) if user.is_authenticated else set()
    return all(user_passes(r, user, group_ids) for r in restrictions)

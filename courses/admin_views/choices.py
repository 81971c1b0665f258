"""Filter choices drawn from the rows a viewer may see (enrolments, certificates):
a trainer is offered neither other courses nor other organisations, and a crafted id
fails validation. EXISTS probes, not IN over every row (0.1 s instead of 1 s with
350,000 enrolments on PostgreSQL)."""

from django.db.models import Exists, OuterRef

from courses.models.pages import CoursePage
from portal.accounts.models import Organisation


def courses_in(rows):
    """Courses that some of ``rows`` (a queryset with a ``course`` field) are on."""
    return CoursePage.objects.filter(
        Exists(rows.order_by().filter(course=OuterRef("pk")))
    ).order_by("title")


def organisations_of(*row_sets):
    """Organisations of the learners of any of ``row_sets`` (querysets with a
    ``user``)."""
    condition = None
    for rows in row_sets:
        probe = Exists(
            rows.order_by().filter(user__profile__organisation=OuterRef("pk"))
        )
        condition = probe if condition is None else condition | probe
    return Organisation.objects.filter(condition).order_by("kind", "name")


def request_choices(visible_to, empty):
    """``(courses, organisations)`` callables for django-filter querysets, from
    ``visible_to(user)``; ``empty`` is the queryset without a request."""

    def rows(request):
        return empty if request is None else visible_to(request.user)

    return (
        lambda request: courses_in(rows(request)),
        lambda request: organisations_of(rows(request)),
    )

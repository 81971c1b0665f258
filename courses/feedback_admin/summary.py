"""The summary of one feedback form in the Wagtail admin: per question the count,
mean, distribution and top-box share with SVG bar charts (``summary_charts``, drawn
on the server, no scripts), choice distributions, the trend by month, comparisons
by trainer and by course, the open answers with search and pagination, and the
export of all of it to XLSX (default) or CSV (``summary_export``, formula-safe).

The form is looked up among ``forms_visible_to(user)`` (a crafted id is a 404) and
the user needs "view" (or "change") on FeedbackSubmission (403 otherwise). The
submissions summarised are ``submissions_visible_to(user)`` narrowed by the same
filters as the submission listing, so a trainer's summary only counts what they may
read. Reads come from ``courses.selectors.feedback_summary``; the page costs a fixed
number of queries whatever the number of submissions.

``summary_urlpatterns`` is registered under ``/admin/feedback/summary/`` by
``courses.wagtail_hooks``.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page
from wagtail.permissions import policy_registry

from courses.feedback_admin.filters import FeedbackSubmissionFilterSet
from courses.feedback_admin.summary_charts import question_blocks, trend_chart
from courses.feedback_admin.summary_export import (
    summary_sections,
    write_csv,
    write_xlsx,
)
from courses.feedback_forms import CONTROL_CHARACTERS
from courses.models.feedback import FeedbackSubmission
from courses.models.pages import CoursePage
from courses.selectors.feedback import forms_visible_to, submissions_visible_to
from courses.selectors.feedback_summary import (
    FormSummary,
    cached_form_summary,
    text_answers,
)

ANSWERS_PER_PAGE = 20
SEARCH_MAX_LENGTH = 100
SEARCH_PARAM = "answers_q"
QUESTION_PARAM = "answers_question"


def can_view_summaries(user) -> bool:
    """Whether ``user`` has "view" or "change" on FeedbackSubmission (through the
    registered permission policy)."""
    # Looked up per request: courses.wagtail_hooks registers the policy.
    policy = policy_registry.get_by_type(FeedbackSubmission)
    return policy.user_has_any_permission(user, ["view", "change"])


class SummaryFilterSet(FeedbackSubmissionFilterSet):
    """The listing's filters without the form (it is in the URL); pages and
    courses are those this form was answered on."""

    def __init__(self, *args, feedback_form=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Not ``form = None`` on the class: FilterSet.form is the filter form.
        self.filters.pop("form", None)
        if feedback_form is not None and self.request is not None:
            answered = (
                submissions_visible_to(self.request.user)
                .filter(form=feedback_form)
                .order_by()
            )
            self.filters["page"].queryset = Page.objects.filter(
                pk__in=answered.values("page_id")
            ).order_by("title")
            self.filters["course"].queryset = CoursePage.objects.filter(
                pk__in=answered.values("course_id")
            ).order_by("title")


# -- views -----------------------------------------------------------------------


class SummaryMixin:
    """Loads the form of the URL among those the user may see (404 otherwise),
    checks the submission permission (403), and applies the listing's filters."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.feedback_form = get_object_or_404(
            forms_visible_to(request.user), pk=kwargs["form_id"]
        )

    def dispatch(self, request, *args, **kwargs):
        if not can_view_summaries(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def filters(self) -> SummaryFilterSet:
        return SummaryFilterSet(
            self.request.GET or None,
            queryset=submissions_visible_to(self.request.user),
            request=self.request,
            feedback_form=self.feedback_form,
        )

    @cached_property
    def filtered(self):
        """The filtered submissions of every form (the comparisons pool the other
        forms sharing this form's question keys); none when a filter is invalid,
        e.g. a crafted id outside the offered choices."""
        filters = self.filters
        if not filters.is_bound:
            return filters.queryset
        if not filters.is_valid():
            return FeedbackSubmission.objects.none()
        return filters.qs

    @cached_property
    def filters_active(self) -> bool:
        return self.filters.is_bound and self.filters.form.has_changed()

    @cached_property
    def submissions(self):
        return self.filtered.filter(form=self.feedback_form)

    @cached_property
    def summary(self) -> FormSummary:
        return cached_form_summary(
            form=self.feedback_form, submissions=self.submissions, across=self.filtered
        )

    @cached_property
    def search(self) -> str:
        """The open-answer search without control characters (PostgreSQL refuses a
        NUL byte in a query), at most 100 characters."""
        value = self.request.GET.get(SEARCH_PARAM, "")
        return CONTROL_CHARACTERS.sub("", value).strip()[:SEARCH_MAX_LENGTH]

    @cached_property
    def text_question_id(self) -> int | None:
        """The id of one of this form's text questions, else None: a crafted value
        ("²", 23 digits) is ignored instead of failing in int() or the database."""
        value = self.request.GET.get(QUESTION_PARAM, "")
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            return None
        pk = int(value)
        if any(q.pk == pk for q in self.summary.text_questions):
            return pk
        return None

    def answers(self):
        return text_answers(
            form=self.feedback_form,
            submissions=self.submissions,
            search=self.search,
            question_id=self.text_question_id,
        )


def listing_url(form, query=None) -> str:
    """The submission listing of ``form`` with the same filters."""
    query = _without(query, "form") if query is not None else QueryDict(mutable=True)
    query["form"] = str(form.pk)
    return f"{reverse('feedback_submissions:index')}?{query.urlencode()}"


class FeedbackSummaryView(SummaryMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/feedback/summary.html"
    header_icon = "table"

    def get_page_title(self):
        return _("反馈统计")

    def get_page_subtitle(self):
        return self.feedback_form.title

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        items.append({"url": listing_url(self.feedback_form), "label": _("提交记录")})
        items.append(
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            }
        )
        return items

    def trend_series(self, summary):
        if not summary.trend:
            return None
        wanted = self.request.GET.get("trend", "")
        for series in summary.trend:
            if series.item.item_key == wanted:
                return series
        for series in summary.trend:
            if series.item.key == "overall_rating":
                return series
        return summary.trend[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = self.summary
        series = self.trend_series(summary)
        paginator = WagtailPaginator(self.answers(), ANSWERS_PER_PAGE)
        page_number = self.request.GET.get("p", 1)
        answers_page = paginator.get_page(page_number)
        query = self.request.GET.copy()
        query.pop("p", None)
        text_query = _without(query, SEARCH_PARAM, QUESTION_PARAM)
        export_url = reverse("feedback_summary_export", args=[self.feedback_form.pk])
        context.update(
            feedback_form=self.feedback_form,
            summary=summary,
            blocks=question_blocks(summary),
            filterset=self.filters,
            filters_active=self.filters_active,
            media=self.filters.form.media,
            trend=series,
            trend_chart=(
                trend_chart(series, uid="trend", title=series.item.label)
                if series
                else None
            ),
            answers_page=answers_page,
            paginator=paginator,
            elided_page_range=paginator.get_elided_page_range(page_number),
            search=self.search,
            search_param=SEARCH_PARAM,
            question_param=QUESTION_PARAM,
            text_question_id=self.text_question_id,
            text_questions=summary.text_questions,
            export_xlsx_url=f"{export_url}?{_with(query, export='xlsx')}",
            export_csv_url=f"{export_url}?{_with(query, export='csv')}",
            listing_url=listing_url(
                self.feedback_form,
                _without(text_query, "trend"),
            ),
            text_query=text_query.urlencode(),
            trend_hidden=_pairs(_without(query, "trend")),
            search_hidden=_pairs(text_query),
        )
        return context


def _without(query, *names):
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query


def _pairs(query) -> list[tuple[str, str]]:
    """A query as hidden form fields, so a second form on the page keeps it."""
    return [(name, value) for name, values in query.lists() for value in values]


def _with(query, **params) -> str:
    query = query.copy()
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


class FeedbackSummaryExportView(SummaryMixin, View):
    """The summary (with the filters and the open-answer search of the page) as
    XLSX, or CSV with ``export=csv``; every text cell formula-safe."""

    def get(self, request, *args, **kwargs):
        answers = self.answers().iterator(chunk_size=2000)
        sections = summary_sections(self.summary, answers)
        stamp = f"{timezone.localdate():%Y%m%d}"
        name = f"feedback-summary-{self.feedback_form.pk}-{stamp}"
        if request.GET.get("export") == "csv":
            response = HttpResponse(
                write_csv(sections), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        response = HttpResponse(
            write_xlsx(sections),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


summary_urlpatterns = [
    path("<int:form_id>/", FeedbackSummaryView.as_view(), name="feedback_summary"),
    path(
        "<int:form_id>/export/",
        FeedbackSummaryExportView.as_view(),
        name="feedback_summary_export",
    ),
]

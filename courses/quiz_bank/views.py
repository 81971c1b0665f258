"""Wagtail admin pages of the question-bank import and export.

Permissions come from the permission policy registered for Quiz (Wagtail's
ModelPermissionPolicy unless a stricter one is registered): importing needs "change"
on the quiz, exporting "change" or "view", the blank template "add" or "change".
The views parse the request and call ``services``; they decide nothing else.
"""

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from courses.models.quizzes import Quiz
from courses.quiz_bank.forms import BankImportForm
from courses.quiz_bank.reading import BankFileError, read_bank
from courses.quiz_bank.services import (
    ImportInProgress,
    bank_table,
    import_receipt,
    quiz_bank_import_once,
    submission_token,
)
from courses.quiz_bank.spreadsheet import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    render_csv,
    render_xlsx,
    template_table,
)

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def quiz_policy():
    # Looked up per request: a policy registered in wagtail_hooks must win over
    # the fallback Wagtail creates on first lookup.
    return policy_registry.get_by_type(Quiz)


def requested_format(request) -> str:
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS:
        raise Http404
    return file_format


def spreadsheet_response(table: list[list], *, file_format: str, name: str):
    content = render_xlsx(table) if file_format == "xlsx" else render_csv(table)
    response = HttpResponse(content, content_type=FORMATS[file_format])
    filename = f"{UNSAFE_FILENAME.sub('_', name)[:80]}.{file_format}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    add_never_cache_headers(response)
    return response


def _sibling_url(request, name: str, *args) -> str:
    """A URL of this package, in whatever namespace it is mounted under."""
    namespace = request.resolver_match.namespace
    return reverse(f"{namespace}:{name}" if namespace else name, args=args)


class TemplateDownloadView(View):
    """GET ?format=xlsx|csv: the blank import template with two example rows."""

    def get(self, request):
        if not quiz_policy().user_has_any_permission(request.user, ["add", "change"]):
            raise PermissionDenied
        return spreadsheet_response(
            template_table(),
            file_format=requested_format(request),
            name=_("题库导入模板"),
        )


class QuizBankMixin:
    """Loads the quiz from the URL and checks the user's permission on it."""

    actions: tuple[str, ...] = ("change",)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(Quiz, pk=kwargs["quiz_id"])

    def dispatch(self, request, *args, **kwargs):
        if not quiz_policy().user_has_any_permission_for_instance(
            request.user, list(self.actions), self.quiz
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ExportView(QuizBankMixin, View):
    """GET ?format=xlsx|csv: the quiz's bank in the import format."""

    actions = ("change", "view")

    def get(self, request, quiz_id):
        file_format = requested_format(request)
        return spreadsheet_response(
            bank_table(quiz=self.quiz),
            file_format=file_format,
            name=_("%(title)s-题库") % {"title": self.quiz.title},
        )


class ImportView(QuizBankMixin, WagtailAdminTemplateMixin, FormView):
    """GET: the upload form (and, with ?result=<token>, the result of an import).
    POST: validate the file; import all rows, or with "仅导入有效的行" the valid
    ones; then redirect to the result so a refresh cannot post again."""

    template_name = "courses/quiz_bank/import.html"
    form_class = BankImportForm
    header_icon = "upload"

    def get_page_title(self):
        return _("导入题库")

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        viewset = getattr(Quiz, "snippet_viewset", None)
        if viewset is not None:
            items += [
                {
                    "url": reverse(viewset.get_url_name("list")),
                    "label": Quiz._meta.verbose_name_plural,
                },
                {
                    "url": reverse(viewset.get_url_name("edit"), args=[self.quiz.pk]),
                    "label": self.quiz.title,
                },
            ]
        return [*items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        self.receipt = None
        self.pending = False
        token = request.GET.get("result", "")
        if token:
            try:
                self.receipt = import_receipt(
                    user=request.user, quiz=self.quiz, token=token
                )
            except ImportInProgress:
                self.pending = True
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        context.update(
            quiz=self.quiz,
            question_count=self.quiz.questions.count(),
            receipt=getattr(self, "receipt", None),
            pending=getattr(self, "pending", False),
            max_rows=MAX_ROWS,
            max_megabytes=MAX_UPLOAD_BYTES // 1024 // 1024,
            template_xlsx_url=_sibling_url(request, "template") + "?format=xlsx",
            template_csv_url=_sibling_url(request, "template") + "?format=csv",
            export_xlsx_url=_sibling_url(request, "export", self.quiz.pk)
            + "?format=xlsx",
            export_csv_url=_sibling_url(request, "export", self.quiz.pk)
            + "?format=csv",
        )
        return context

    def _to_result(self, token: str):
        return redirect(f"{self.request.path}?{urlencode({'result': token})}")

    def form_valid(self, form):
        request = self.request
        valid_rows_only = form.cleaned_data["valid_rows_only"]
        token = submission_token(
            form_key=form.cleaned_data["submission"],
            data=form.data_bytes,
            valid_rows_only=valid_rows_only,
        )
        try:
            if import_receipt(user=request.user, quiz=self.quiz, token=token):
                messages.info(request, _("这份文件已经导入过，重复的提交已忽略。"))
                return self._to_result(token)
        except ImportInProgress:
            return self._to_result(token)

        try:
            parsed = read_bank(data=form.data_bytes)
        except BankFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        if not parsed.total:
            form.add_error("file", _("文件中没有题目：表头以下都是空行。"))
            return self.form_invalid(form)
        if parsed.errors and (not valid_rows_only or not parsed.rows):
            return self.render_to_response(
                self.get_context_data(
                    form=form, row_errors=parsed.errors, valid_count=len(parsed.rows)
                )
            )

        try:
            receipt, fresh = quiz_bank_import_once(
                quiz=self.quiz, parsed=parsed, user=request.user, token=token
            )
        except ImportInProgress:
            return self._to_result(token)
        if fresh:
            messages.success(
                request,
                ngettext(
                    "已导入 %(count)s 题。", "已导入 %(count)s 题。", receipt.imported
                )
                % {"count": receipt.imported},
            )
        else:
            messages.info(request, _("这份文件已经导入过，重复的提交已忽略。"))
        return self._to_result(token)

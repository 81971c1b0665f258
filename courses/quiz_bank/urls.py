"""Question-bank import and export, mounted under ``admin/quiz-bank/`` with the
namespace ``quiz_bank`` by ``courses.wagtail_hooks``.

Each view is wrapped in Wagtail's admin access check here as well, so it is never
reachable without it wherever it is included.
"""

from django.urls import path
from wagtail.admin.auth import require_admin_access

from courses.quiz_bank import views

app_name = "quiz_bank"
urlpatterns = [
    path(
        "template/",
        require_admin_access(views.TemplateDownloadView.as_view()),
        name="template",
    ),
    path(
        "<int:quiz_id>/import/",
        require_admin_access(views.ImportView.as_view()),
        name="import",
    ),
    path(
        "<int:quiz_id>/export/",
        require_admin_access(views.ExportView.as_view()),
        name="export",
    ),
]

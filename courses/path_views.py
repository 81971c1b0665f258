"""Learning-path endpoints: enrol on a path (the page's 报名学习路径 button), and the
mentor sign-off list with its sign-off form.

Views parse the request and call ``courses.services.paths``. Writes are POST only,
CSRF protected (Django's middleware) and idempotent; responses are never cached. A
path the user may not open, an enrolment the user may not sign off and a stage of
another path answer 404; the learner always comes from the session.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courses.models.paths import LearningPath, LearningPathStage, PathEnrollment
from courses.selectors.paths import may_see_signoffs, signoffs_waiting
from courses.services.paths import (
    NOTE_MAX_LENGTH,
    may_sign_off,
    path_enroll,
    stage_sign_off,
)
from courses.services.progress import NotAllowed, ProgressError, may_study

# No row has a larger id; a larger one in a URL or form answers "not found" rather
# than overflowing the database driver (SQLite raises OverflowError on a page id).
MAX_ID = 2**63 - 1


class BoundedIdMixin:
    """For a ``ModelChoiceField``: an out-of-range id is an invalid choice."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip().isdigit() and int(value) > MAX_ID:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class BoundedModelChoiceField(BoundedIdMixin, forms.ModelChoiceField):
    pass


class SignOffForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("评语"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("评语最多 2000 字。")},
    )


@never_cache
@require_POST
def path_enroll_view(request, path_id: int):
    if path_id > MAX_ID:
        raise Http404
    path = LearningPath.objects.live().filter(pk=path_id).first()
    if path is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(path.url)
    if not may_study(user=request.user, page=path):
        raise Http404
    try:
        path_enroll(user=request.user, path=path)
    except NotAllowed:
        raise Http404 from None
    messages.success(
        request, _("已报名学习路径《%(title)s》。") % {"title": path.title}
    )
    return redirect(path.url)


@never_cache
@login_required
@require_GET
def signoff_list_view(request):
    """待我签字: the practical tasks waiting for the user's sign-off."""
    if not may_see_signoffs(request.user):
        raise Http404
    return render(
        request,
        "courses/paths/signoffs.html",
        {"waiting": list(signoffs_waiting(user=request.user)), "form": SignOffForm()},
    )


@never_cache
@login_required
@require_POST
def signoff_view(request, enrollment_id: int, stage_id: int):
    if max(enrollment_id, stage_id) > MAX_ID:
        raise Http404
    enrollment = (
        PathEnrollment.objects.filter(pk=enrollment_id).select_related("path").first()
    )
    stage = LearningPathStage.objects.filter(pk=stage_id).first()
    if enrollment is None or stage is None or stage.path_id != enrollment.path_id:
        raise Http404
    if not may_sign_off(user=request.user, enrollment=enrollment):
        raise Http404
    form = SignOffForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("note", []):
            messages.error(request, error)
        return redirect("courses:signoffs")
    try:
        stage_sign_off(
            enrollment=enrollment,
            stage=stage,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except NotAllowed:
        raise Http404 from None
    except ProgressError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已签字确认。"))
    return redirect("courses:signoffs")

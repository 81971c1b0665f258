"""The issuance forms of the certificate admin: 颁发证书 (one learner, one course)
and 批量颁发 (one course, learners picked or pasted as usernames or 工号)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from courses.assignment_admin.forms import SearchableSelectMultiple, UserChoiceField
from courses.models.pages import CoursePage


def active_users():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("username")
        .only("pk", "username", "first_name", "last_name")
    )


class LearnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name}（{user.get_username()}）" if name else user.get_username()


def _courses():
    return CoursePage.objects.order_by("title")


SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class IssueForm(forms.Form):
    """颁发证书: one learner, one course, an optional score."""

    user = LearnerChoiceField(
        label=_("学员"),
        queryset=get_user_model().objects.none(),
        error_messages={"required": _("请选择学员。")},
    )
    course = forms.ModelChoiceField(
        label=_("课程"),
        queryset=None,
        error_messages={"required": _("请选择课程。")},
    )
    score = forms.DecimalField(
        label=_("成绩（%）"),
        required=False,
        max_digits=4,
        decimal_places=1,
        validators=SCORE_VALIDATORS,
        error_messages={"invalid": _("请输入 0 到 100 之间的数字。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_users()
        self.fields["course"].queryset = _courses()


class BulkIssueForm(forms.Form):
    """批量颁发: one course, learners picked in the list and/or pasted as usernames
    or 工号, one per line."""

    course = forms.ModelChoiceField(
        label=_("课程"),
        queryset=None,
        error_messages={"required": _("请选择课程。")},
    )
    users = UserChoiceField(
        label=_("学员"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=SearchableSelectMultiple,
    )
    identifiers = forms.CharField(
        label=_("用户名或工号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一个用户名或工号，可与上面的选择同时使用。"),
    )
    score = forms.DecimalField(
        label=_("成绩（%）"),
        required=False,
        max_digits=4,
        decimal_places=1,
        validators=SCORE_VALIDATORS,
        error_messages={"invalid": _("请输入 0 到 100 之间的数字。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = active_users()
        self.fields["course"].queryset = _courses()

    def clean(self):
        cleaned = super().clean()
        lines = [
            line.strip()
            for line in (cleaned.get("identifiers") or "").splitlines()
            if line.strip()
        ]
        found = {}
        if lines:
            lowered = {line.lower() for line in lines}
            matches = (
                get_user_model()
                .objects.filter(is_active=True)
                .annotate(employee_lower=Lower("profile__employee_number"))
                .filter(Q(username__in=lines) | Q(employee_lower__in=lowered))
            )
            usernames, employee_numbers = set(), set()
            for user in matches:
                found[user.pk] = user
                usernames.add(user.get_username())
                employee_numbers.add(user.employee_lower)
            unknown = [
                line
                for line in lines
                if line not in usernames and line.lower() not in employee_numbers
            ]
            if unknown:
                self.add_error(
                    "identifiers",
                    _("找不到以下用户名或工号（或账号已停用）：%(items)s")
                    % {"items": "、".join(unknown[:20])},
                )
        for user in cleaned.get("users") or []:
            found[user.pk] = user
        if not found and not self.errors:
            raise forms.ValidationError(_("请至少选择或填写一名学员。"))
        cleaned["learners"] = sorted(found.values(), key=lambda u: u.get_username())
        return cleaned

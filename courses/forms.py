"""Learner-facing forms of the learning domain.

The answers of a quiz attempt are not a Django form: their fields (``a<position>``)
depend on the attempt and are validated by ``courses.services.quizzes.parse_answers``.
These forms check the fields around them.
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

STALE_PAGE = _("页面已过期，请刷新后重试。")
PRESS_A_BUTTON = _("请点击“保存”或“交卷”。")
# ASCII digits only ("１" or "٣" are not a revision), at most nine of them.
REVISION_VALIDATOR = RegexValidator(r"\A[0-9]{1,9}\Z", STALE_PAGE)


class AttemptControlForm(forms.Form):
    """The fields an attempt form posts beside the answers: the revision the page was
    rendered at (stale tabs and replayed posts are recognised by it) and the button
    pressed."""

    SAVE = "save"
    SUBMIT = "submit"

    revision = forms.CharField(
        max_length=9,
        strip=False,
        validators=[REVISION_VALIDATOR],
        error_messages={
            "required": STALE_PAGE,
            "max_length": STALE_PAGE,
            "null_characters_not_allowed": STALE_PAGE,
        },
    )
    action = forms.ChoiceField(
        choices=[(SAVE, _("保存")), (SUBMIT, _("交卷"))],
        required=False,
        error_messages={
            "invalid_choice": PRESS_A_BUTTON,
            "required": PRESS_A_BUTTON,
            "null_characters_not_allowed": PRESS_A_BUTTON,
        },
    )

    def __init__(self, data, *, require_action: bool = True):
        super().__init__(data)
        self.fields["action"].required = require_action

    def clean_revision(self) -> int:
        return int(self.cleaned_data["revision"])

    def clean(self):
        # One value each: a form never posts two revisions or presses two buttons.
        for name, message in (("revision", STALE_PAGE), ("action", PRESS_A_BUTTON)):
            if len(self.data.getlist(name)) > 1:
                self.add_error(name, message)
        return super().clean()

    def first_error(self) -> str:
        for errors in self.errors.values():
            return errors[0]
        return ""

"""The respondent's form, built from a feedback form's questions.

Field names carry only question ids (``q12``) and statement numbers (``q12_3``), and
choices are posted as numbers: option texts are looked up on the server, never taken
from the request, and a number outside the list is a field error. Texts lose control
characters (NUL included) before validation. ``items`` prepares every question for
the template (``courses/feedback/form.html``), which renders the inputs itself so the
Likert matrix can be a grid on wide screens and one statement per block on phones.

A honeypot field (``website``) and the submission token (a UUID made on GET) travel
with the form; the view handles the honeypot, the service the token.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models.feedback import (
    DEFAULT_LIKERT_LABELS,
    FeedbackForm,
    FeedbackKind,
    FeedbackQuestion,
    split_lines,
)
from courses.services.feedback import answer_field_name

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
NAME_MAX = 60
ORGANISATION_MAX = 120
HONEYPOT_FIELD = "website"
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# C0 and C1 control characters except tab and line feed (NUL included).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

REQUIRED = _("请回答此题。")
INVALID_CHOICE = _("请从列表中选择。")
MAX_LENGTH = _("最多 %(limit_value)d 个字（现在 %(show_value)d 个）。")


class CleanTextField(forms.CharField):
    """Text without control characters; line breaks kept (as ``\\n``) only when
    ``multiline``."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {
            "required": REQUIRED,
            "max_length": MAX_LENGTH,
            **kwargs["error_messages"],
        }
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if not self.multiline:
                value = value.replace("\n", " ").replace("\t", " ")
            value = CONTROL_CHARACTERS.sub("", value)
        return super().to_python(value)


class BoundedDateField(forms.DateField):
    """An ISO date (what ``<input type="date">`` posts) within a sane range."""

    def __init__(self, **kwargs):
        super().__init__(
            input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={
                "required": REQUIRED,
                "invalid": _("请输入有效的日期，例如 2026-05-01。"),
            },
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                _("请输入 1900 年至 2100 年之间的日期。"), code="out_of_range"
            )


def _choice_field(choices, *, required: bool, multiple: bool = False):
    options = [(str(value), label) for value, label in choices]
    if multiple:
        return forms.TypedMultipleChoiceField(
            choices=options,
            coerce=int,
            required=required,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("请至少选择一项。"),
                "invalid_choice": INVALID_CHOICE,
                "invalid_list": INVALID_CHOICE,
            },
        )
    return forms.TypedChoiceField(
        choices=options,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": REQUIRED, "invalid_choice": INVALID_CHOICE},
    )


@dataclass
class ChoiceView:
    value: str
    label: str
    input_id: str
    checked: bool


@dataclass
class MatrixRowView:
    number: int
    statement: str
    name: str
    anchor: str
    choices: list[ChoiceView]
    errors: list[str]


@dataclass
class ItemView:
    """One question (or section heading) ready to render."""

    question: FeedbackQuestion
    kind: str
    number: int | None
    anchor: str
    name: str = ""
    value: str = ""
    choices: list[ChoiceView] = field(default_factory=list)
    rows: list[MatrixRowView] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    max_length: int | None = None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)


def likert_choices(form: FeedbackForm) -> list[tuple[int, str]]:
    """(5, 非常同意) … (1, 非常不同意), from the form's labels."""
    labels = form.likert_label_list
    if len(labels) != 5:
        labels = split_lines(DEFAULT_LIKERT_LABELS)
    return list(zip(range(5, 0, -1), labels, strict=True))


class FeedbackResponseForm(forms.Form):
    """What a respondent posts for ``feedback_form``: one field per question (per
    statement for a matrix), the token, the honeypot and, for anonymous
    respondents, an optional name and organisation."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("表单已失效，请检查后重新提交。"),
            "invalid": _("表单已失效，请检查后重新提交。"),
        },
    )
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(
        self,
        *args,
        feedback_form: FeedbackForm,
        questions: list[FeedbackQuestion],
        anonymous: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.feedback_form = feedback_form
        self.questions = questions
        self.anonymous = anonymous
        self.scale = likert_choices(feedback_form)
        if anonymous:
            self.fields["respondent_name"] = CleanTextField(
                label=_("姓名"),
                max_length=NAME_MAX,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "name"}),
            )
            self.fields["organisation_name"] = CleanTextField(
                label=_("单位"),
                max_length=ORGANISATION_MAX,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "organization"}),
            )
        for question in questions:
            self._add_fields(question)

    def _add_fields(self, question: FeedbackQuestion) -> None:
        kind = question.kind
        name = answer_field_name(question.pk)
        required = question.required
        if kind == FeedbackKind.SECTION:
            return
        if kind == FeedbackKind.LIKERT_MATRIX:
            for row in range(1, len(question.option_list) + 1):
                self.fields[answer_field_name(question.pk, row)] = _choice_field(
                    self.scale, required=required
                )
            return
        if kind == FeedbackKind.LIKERT:
            self.fields[name] = _choice_field(self.scale, required=required)
        elif kind == FeedbackKind.RATING:
            self.fields[name] = _choice_field(
                [(n, str(n)) for n in range(11)], required=required
            )
        elif kind == FeedbackKind.SINGLE:
            self.fields[name] = _choice_field(
                enumerate(question.option_list, start=1), required=required
            )
        elif kind == FeedbackKind.MULTIPLE:
            self.fields[name] = _choice_field(
                enumerate(question.option_list, start=1),
                required=required,
                multiple=True,
            )
        elif kind == FeedbackKind.YES_NO:
            self.fields[name] = _choice_field(
                [(1, _("是")), (0, _("否"))], required=required
            )
        elif kind == FeedbackKind.SHORT_TEXT:
            self.fields[name] = CleanTextField(
                max_length=SHORT_TEXT_MAX, required=required
            )
        elif kind == FeedbackKind.LONG_TEXT:
            self.fields[name] = CleanTextField(
                max_length=LONG_TEXT_MAX,
                required=required,
                multiline=True,
                widget=forms.Textarea,
            )
        elif kind == FeedbackKind.DATE:
            self.fields[name] = BoundedDateField(required=required)

    @property
    def caught_in_honeypot(self) -> bool:
        """Whether the hidden field was filled in (read from the raw data, so a bot
        is caught whatever else it posted)."""
        return self.is_bound and bool(self.data.get(HONEYPOT_FIELD, "").strip())

    # -- presentation ------------------------------------------------------------

    def _choices(self, name: str, options) -> list[ChoiceView]:
        value = self[name].value()
        if isinstance(value, list | tuple):
            selected = {str(v) for v in value}
        else:
            selected = {str(value)} if value not in (None, "") else set()
        return [
            ChoiceView(
                value=str(option),
                label=str(label),
                input_id=f"id_{name}_{option}",
                checked=str(option) in selected,
            )
            for option, label in options
        ]

    def _kept_text(self, name: str) -> str:
        """What was typed, as it would be stored (control characters removed)."""
        value = self[name].value()
        return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else ""

    def respondent_fields(self) -> list[dict]:
        """The optional 姓名 and 单位 inputs of anonymous respondents."""
        return [
            {
                "name": name,
                "label": self.fields[name].label,
                "value": self._kept_text(name),
                "max_length": self.fields[name].max_length,
                "autocomplete": autocomplete,
                "errors": self._errors_of(name),
            }
            for name, autocomplete in (
                ("respondent_name", "name"),
                ("organisation_name", "organization"),
            )
            if name in self.fields
        ]

    def _errors_of(self, name: str) -> list[str]:
        return (
            [str(error) for error in self.errors.get(name, [])] if self.is_bound else []
        )

    def items(self) -> list[ItemView]:
        """Every question in order, numbered (headings are not), with its inputs,
        current values and errors."""
        result = []
        number = 0
        for question in self.questions:
            kind = question.kind
            anchor = f"fb-q{question.pk}"
            if kind == FeedbackKind.SECTION:
                result.append(ItemView(question, kind, None, anchor))
                continue
            number += 1
            name = answer_field_name(question.pk)
            item = ItemView(question, kind, number, anchor, name=name)
            if kind == FeedbackKind.LIKERT_MATRIX:
                for row, statement in enumerate(question.option_list, start=1):
                    row_name = answer_field_name(question.pk, row)
                    item.rows.append(
                        MatrixRowView(
                            number=row,
                            statement=statement,
                            name=row_name,
                            anchor=f"{anchor}-{row}",
                            choices=self._choices(row_name, self.scale),
                            errors=self._errors_of(row_name),
                        )
                    )
            elif kind in (FeedbackKind.SHORT_TEXT, FeedbackKind.LONG_TEXT):
                item.value = self._kept_text(name)
                item.max_length = self.fields[name].max_length
                item.errors = self._errors_of(name)
            elif kind == FeedbackKind.DATE:
                value = self[name].value()
                item.value = (
                    value.isoformat() if isinstance(value, date) else (value or "")
                )
                item.errors = self._errors_of(name)
            else:
                item.choices = self._choices(name, self.fields[name].choices)
                item.errors = self._errors_of(name)
            result.append(item)
        return result

    def error_summary(self, items: list[ItemView]) -> list[tuple[str, str, str]]:
        """(anchor, question, first message) for each question with an error."""
        summary = []
        for item in items:
            if item.errors:
                summary.append((item.anchor, item.question.text, item.errors[0]))
            for row in item.rows:
                if row.errors:
                    summary.append(
                        (
                            row.anchor,
                            f"{item.question.text}：{row.statement}",
                            row.errors[0],
                        )
                    )
        for name in ("respondent_name", "organisation_name"):
            if name in self.fields and self._errors_of(name):
                summary.append(
                    (
                        f"id_{name}",
                        str(self.fields[name].label),
                        self._errors_of(name)[0],
                    )
                )
        return summary

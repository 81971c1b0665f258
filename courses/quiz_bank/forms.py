"""The upload form of the question-bank import."""

import re
import uuid
from pathlib import PurePath

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.quiz_bank.spreadsheet import MAX_UPLOAD_BYTES

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv")


class BankImportForm(forms.Form):
    """``file`` is checked for size and name here and for content by
    ``services.read_bank``; ``data`` holds its bytes once valid. ``submission`` is a
    random key rendered with the form: a repeated POST of the same form and file is
    recognised by it and not imported twice."""

    file = forms.FileField(
        label=_("题库文件"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,text/csv,application/vnd.ms-excel"}
        ),
        error_messages={
            "required": _("请选择要导入的文件。"),
            "empty": _("文件为空。"),
            "invalid": _("上传的文件无效，请重新选择。"),
        },
    )
    valid_rows_only = forms.BooleanField(
        label=_("仅导入有效的行"),
        required=False,
        help_text=_("不勾选时，只要有一行有误就不导入任何题目。"),
    )
    submission = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "Excel（.xlsx）或 CSV（UTF-8 / GBK 编码），最大 %(size)s MB。"
        ) % {"size": MAX_UPLOAD_BYTES // 1024 // 1024}
        if not self.is_bound:
            self.initial["submission"] = uuid.uuid4().hex
        self.data_bytes = b""

    def clean(self):
        cleaned = super().clean()
        if not re.fullmatch(r"[0-9a-f]{32}", cleaned.get("submission") or ""):
            # A hidden field's error would not show next to it.
            self.add_error(None, _("页面已过期，请重新选择文件并提交。"))
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext("文件过大：最大 %(size)s MB，请拆分后分批导入。")
                % {"size": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        upload.seek(0)
        self.data_bytes = upload.read(MAX_UPLOAD_BYTES + 1)
        if not self.data_bytes:
            raise forms.ValidationError(_("文件为空。"))
        return upload

"""Normalising and validating what people type: mobile numbers, e-mail addresses and
employee numbers (工号). Shared by the public forms, the admin forms and the staff
import.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

# Mainland China mobile numbers: 11 digits, 1 then 3–9 (no 10x/11x/12x ranges exist).
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# What people put between digit groups: spaces (also the ideographic space), dashes and
# brackets around the country code, e.g. "(+86) 138-0013-8000".
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_COUNTRY_PREFIXES = ("+86", "0086", "86")
# Also the username of imported staff, so it keeps to Django's username alphabet, minus
# "@" and "+" (an employee number must never look like an e-mail address).
EMPLOYEE_NUMBER_RE = re.compile(r"[\w.-]+")
EMPLOYEE_NUMBER_MAX_LENGTH = 40


def normalise_mobile(value: str | None) -> str:
    """Return the bare 11-digit number for a mainland mobile, or "" for a blank value.

    Accepts full-width characters (typed with a Chinese input method), spaces, dashes
    and a +86 / 0086 / 86 country prefix: "+86 138-0013-8000" becomes "13800138000".
    Raises ``ValidationError`` (code ``invalid_mobile``) for anything else.
    """
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if not compact:
        return ""
    for prefix in _COUNTRY_PREFIXES:
        if compact.startswith(prefix) and len(compact) == len(prefix) + 11:
            compact = compact.removeprefix(prefix)
            break
    if not MOBILE_RE.fullmatch(compact):
        raise ValidationError(
            _("请输入有效的中国大陆手机号：11 位数字，以 1 开头。"),
            code="invalid_mobile",
        )
    return compact


def normalise_email(value: str | None) -> str:
    """Lower-case and trim an address; the portal treats addresses case-insensitively
    (they double as customers' usernames)."""
    return unicodedata.normalize("NFKC", value or "").strip().lower()


validate_email_address = EmailValidator(message=_("邮箱格式不正确。"))


def normalise_employee_number(value: str | None) -> str:
    """Trim an employee number and check its alphabet; "" stays "" (optional fields).

    Employee numbers are compared case-insensitively everywhere (the database constraint
    too), but stored as typed.
    """
    number = unicodedata.normalize("NFKC", value or "").strip()
    if not number:
        return ""
    if len(number) > EMPLOYEE_NUMBER_MAX_LENGTH:
        raise ValidationError(
            _("工号不能超过 %(max)d 个字符。"),
            code="employee_number_too_long",
            params={"max": EMPLOYEE_NUMBER_MAX_LENGTH},
        )
    if not EMPLOYEE_NUMBER_RE.fullmatch(number):
        raise ValidationError(
            _("工号只能包含字母、数字、下划线、点和短横线。"),
            code="invalid_employee_number",
        )
    return number

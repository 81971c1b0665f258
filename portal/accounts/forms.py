"""Forms of the public account pages: sign-in, registration, profile, password reset.

Labels and messages are Chinese source strings (translated to English in ``locale/en``).
Validation that needs no database lives here; decisions live in ``services``.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from portal.accounts.selectors import organisation_name_taken_by_department
from portal.accounts.validators import normalise_email, normalise_mobile

NAME_MAX_LENGTH = 60
ORGANISATION_MAX_LENGTH = 120
# Customers' usernames are their addresses, so an address must fit a username.
EMAIL_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length


class MobilePhoneField(forms.CharField):
    """A mainland mobile number, cleaned to its 11 digits ("" if optional and blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        )
        kwargs.setdefault("help_text", _("11 位手机号，可带 +86、空格或短横线。"))
        super().__init__(**kwargs)

    def clean(self, value):
        return normalise_mobile(super().clean(value))


def _organisation_name(value: str) -> str:
    """The organisation name a customer typed, trimmed; not a department's name."""
    name = value.strip()
    if name and organisation_name_taken_by_department(name=name):
        raise forms.ValidationError(
            _("“%(name)s”是内部部门的名称，请填写贵单位的完整名称。"),
            code="organisation_kind_conflict",
            params={"name": name},
        )
    return name


class LoginForm(auth_forms.AuthenticationForm):
    """Sign in with username or e-mail. Unknown user, wrong password and an inactive
    account all get the one message (no account enumeration)."""

    username = auth_forms.UsernameField(
        label=_("用户名或邮箱"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "用户名/邮箱或密码不正确。新注册的账号需要先点击激活邮件中的链接。"
        ),
        "inactive": _(
            "用户名/邮箱或密码不正确。新注册的账号需要先点击激活邮件中的链接。"
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sizes the field to the username column; addresses are
        # longer.
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login"
        )


class RegistrationForm(forms.Form):
    """Customer self-registration. Says nothing about whether the address is known."""

    display_name = forms.CharField(
        label=_("姓名"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("邮箱"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("用于登录和接收激活邮件。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = MobilePhoneField(label=_("手机号"))
    organisation_name = forms.CharField(
        label=_("单位名称"),
        max_length=ORGANISATION_MAX_LENGTH,
        required=False,
        help_text=_("选填。请填写单位的完整名称，例如“华东精密机械有限公司”。"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("请再输入一次密码。"),
    )
    # Honeypot: hidden from people (and from assistive technology); bots fill it in.
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    honeypot_field_name = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form so it follows the active language.
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    @property
    def caught_in_honeypot(self) -> bool:
        return bool(self.cleaned_data.get(self.honeypot_field_name))

    def clean_display_name(self):
        return self.cleaned_data["display_name"].strip()

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_organisation_name(self):
        return _organisation_name(self.cleaned_data["organisation_name"])

    def clean(self):
        cleaned_data = super().clean()
        password1 = cleaned_data.get("password1")
        password2 = cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                forms.ValidationError(
                    _("两次输入的密码不一致。"), code="password_mismatch"
                ),
            )
        elif password1:
            # The validators compare the password with the name and address entered.
            email = cleaned_data.get("email", "")
            candidate = get_user_model()(
                username=email,
                email=email,
                first_name=cleaned_data.get("display_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data


class ProfileForm(forms.Form):
    """A person's own profile. The organisation field exists only for customers."""

    display_name = forms.CharField(
        label=_("姓名"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = MobilePhoneField(label=_("手机号"), required=False)
    organisation_name = forms.CharField(
        label=_("单位名称"),
        max_length=ORGANISATION_MAX_LENGTH,
        required=False,
        help_text=_("选填。请填写单位的完整名称。"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    def __init__(self, *args, can_edit_organisation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit_organisation:
            del self.fields["organisation_name"]

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写姓名。"), code="required")
        return name

    def clean_organisation_name(self):
        return _organisation_name(self.cleaned_data["organisation_name"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, also for accounts without a usable password: imported staff
    start that way and set their first password through this form."""

    email = forms.EmailField(
        label=_("邮箱"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        email_field_name = get_user_model().get_email_field_name()
        return (
            user
            for user in get_user_model()._default_manager.filter(
                **{f"{email_field_name}__iexact": email, "is_active": True}
            )
            if normalise_email(getattr(user, email_field_name))
            == normalise_email(email)
        )

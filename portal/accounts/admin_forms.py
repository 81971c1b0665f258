"""Wagtail's user create/edit forms with the profile fields (姓名, 手机, 组织, 工号).

姓名 replaces Wagtail's first/last name fields (Chinese names are not split that way);
the service mirrors it into ``first_name`` so Wagtail's user list shows it.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from portal.accounts.forms import MobilePhoneField
from portal.accounts.models import Organisation, Profile
from portal.accounts.selectors import users_with_login
from portal.accounts.services import profile_update
from portal.accounts.validators import normalise_email, normalise_employee_number

USERNAME_FIELD = get_user_model().USERNAME_FIELD


class ProfileFieldsMixin:
    """Adds the profile fields to a Wagtail user form and saves them with the user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"] = forms.CharField(
            label=_("姓名"),
            max_length=Profile._meta.get_field("display_name").max_length,
        )
        self.fields["phone"] = MobilePhoneField(label=_("手机号"), required=False)
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("所属组织"),
            queryset=Organisation.objects.order_by("kind", "name"),
            required=False,
            help_text=_("客户选择其单位，内部员工选择其部门。"),
        )
        self.fields["employee_number"] = forms.CharField(
            label=_("工号"),
            max_length=Profile._meta.get_field("employee_number").max_length,
            required=False,
            help_text=_("内部员工填写；导入员工名单时以工号识别同一人。"),
        )
        profile = (
            Profile.objects.filter(user=self.instance).first()
            if self.instance.pk
            else None
        )
        if profile is not None:
            self.initial.update(
                {
                    "display_name": profile.display_name,
                    "phone": profile.phone,
                    "organisation": profile.organisation_id,
                    "employee_number": profile.employee_number,
                }
            )
        elif self.instance.pk:
            self.initial["display_name"] = self.instance.get_full_name()

    def clean_email(self):
        """Addresses sign people in, so one address belongs to one account."""
        email = normalise_email(self.cleaned_data["email"])
        others = users_with_login(identifier=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("该邮箱已被其他账号使用。"), code="email_taken"
            )
        return email

    def clean_employee_number(self):
        try:
            number = normalise_employee_number(self.cleaned_data["employee_number"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        if number:
            taken = Profile.objects.filter(employee_number__iexact=number)
            if self.instance.pk:
                taken = taken.exclude(user=self.instance)
            if taken.exists():
                raise forms.ValidationError(
                    _("该工号已被其他账号使用。"), code="employee_number_taken"
                )
        return number

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            self._save_profile(user)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_profile():
                save_m2m()
                self._save_profile(user)

            self.save_m2m = save_m2m_and_profile
        return user

    def _save_profile(self, user):
        profile_update(
            user=user,
            display_name=self.cleaned_data["display_name"],
            phone=self.cleaned_data["phone"],
            organisation=self.cleaned_data["organisation"],
            employee_number=self.cleaned_data["employee_number"],
        )


class ProfileUserCreationForm(ProfileFieldsMixin, UserCreationForm):
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = {USERNAME_FIELD, "email", "is_superuser", "groups"}


class ProfileUserEditForm(ProfileFieldsMixin, UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = {USERNAME_FIELD, "email", "is_active", "is_superuser", "groups"}

"""Sign-in, sign-out, registration, activation, password management and the profile.

Views parse the request, apply the rate limits and call ``services``; they decide
nothing else. Rate limits use ``portal.ratelimit`` with the (attempts, window) pairs in
settings; a refused request never reaches password checking or e-mail sending.
"""

import logging
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from portal.accounts import selectors, services
from portal.accounts.forms import (
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    RegistrationForm,
)
from portal.accounts.validators import normalise_email
from portal.ratelimit import client_ip, hit, is_limited, reset

logger = logging.getLogger(__name__)


def too_many_attempts(request, *, message: str, window: int):
    """The 429 page: what happened and when to try again."""
    response = render(
        request,
        "accounts/rate_limited.html",
        {"message": message, "retry_minutes": max(1, math.ceil(window / 60))},
        status=429,
    )
    response["Retry-After"] = str(window)
    add_never_cache_headers(response)
    return response


def _site_url(request) -> str:
    """Scheme and host for links in e-mails, as Django's password reset builds them
    (the host passed ``ALLOWED_HOSTS``)."""
    return f"{request.scheme}://{request.get_host()}"


class LoginView(auth_views.LoginView):
    """Sign in with username or e-mail, limited per client address and per name.

    Per name, every attempt counts (a success clears the count), so parallel guesses
    at one account cannot outrun the limit. Per address, only failures count, so a
    whole office behind one address can still sign in in the morning. ``next`` is
    followed only to this site (Django's ``url_has_allowed_host_and_scheme``).
    """

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False

    def post(self, request, *args, **kwargs):
        limit, window = settings.LOGIN_RATE_LIMIT
        self.login_name = request.POST.get("username", "").strip().casefold()
        limited = is_limited("login-ip", client_ip(request), limit=limit) or bool(
            self.login_name
            and not hit("login-name", self.login_name, limit=limit, window=window)
        )
        if limited:
            return too_many_attempts(
                request,
                message=_("登录尝试次数过多，请 %(minutes)d 分钟后再试。")
                % {"minutes": max(1, math.ceil(window / 60))},
                window=window,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if self.login_name:
            reset("login-name", self.login_name)
        return super().form_valid(form)

    def form_invalid(self, form):
        limit, window = settings.LOGIN_RATE_LIMIT
        hit("login-ip", client_ip(self.request), limit=limit, window=window)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST signs out. GET shows a confirmation form, so a plain link to the page works
    without letting another site sign people out."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Always ends on the same "if the address is registered…" page. Limited per
    client address and per submitted address (a reset form must not flood a mailbox)."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    subject_template_name = "emails/accounts/password_reset_subject.txt"
    email_template_name = "emails/accounts/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_name": settings.WAGTAIL_SITE_NAME}

    def post(self, request, *args, **kwargs):
        limit, window = settings.PASSWORD_RESET_RATE_LIMIT
        allowed = hit(
            "password-reset-ip", client_ip(request), limit=limit, window=window
        )
        email = normalise_email(request.POST.get("email", ""))
        if email:
            allowed = (
                hit("password-reset-email", email, limit=limit, window=window)
                and allowed
            )
        if not allowed:
            return too_many_attempts(
                request,
                message=_("重置密码的请求过多，请 %(minutes)d 分钟后再试。")
                % {"minutes": max(1, math.ceil(window / 60))},
                window=window,
            )
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@method_decorator(
    [sensitive_post_parameters("password1", "password2"), csrf_protect, never_cache],
    name="dispatch",
)
class RegisterView(FormView):
    """Customer self-registration. Every accepted submission ends on the same page,
    whether the address was new, known or caught in the honeypot."""

    template_name = "accounts/register.html"
    form_class = RegistrationForm
    success_url = reverse_lazy("accounts:register_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def _refused(self):
        window = settings.REGISTRATION_RATE_LIMIT[1]
        return too_many_attempts(
            self.request,
            message=_("注册请求过多，请 %(minutes)d 分钟后再试。")
            % {"minutes": max(1, math.ceil(window / 60))},
            window=window,
        )

    def post(self, request, *args, **kwargs):
        limit, _window = settings.REGISTRATION_RATE_LIMIT
        if is_limited("register-ip", client_ip(request), limit=limit):
            return self._refused()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Only accepted submissions count: correcting typos costs nothing.
        limit, window = settings.REGISTRATION_RATE_LIMIT
        if not hit("register-ip", client_ip(self.request), limit=limit, window=window):
            return self._refused()
        if form.caught_in_honeypot:
            logger.info(
                "Registration caught in the honeypot from %s", client_ip(self.request)
            )
            return redirect(self.get_success_url())
        data = form.cleaned_data
        try:
            services.user_register_customer(
                display_name=data["display_name"],
                email=data["email"],
                phone=data["phone"],
                organisation_name=data["organisation_name"],
                password=data["password1"],
                site_url=_site_url(self.request),
            )
        except ValidationError as error:
            form.add_error("organisation_name", error)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class RegisterDoneView(TemplateView):
    template_name = "accounts/register_done.html"


@method_decorator([csrf_protect, never_cache], name="dispatch")
class ActivateView(View):
    """The link from the activation e-mail. GET asks for a click (mail scanners follow
    links but do not submit forms); POST activates, signs the person in and opens the
    profile. The token stays out of Referer headers."""

    def _invalid(self, request):
        return self._respond(request, "accounts/activate_invalid.html", status=400)

    def _respond(self, request, template_name, *, status=200, context=None):
        response = TemplateResponse(
            request, template_name, context or {}, status=status
        )
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get(self, request, uidb64, token):
        user = selectors.user_from_uidb64(uidb64=uidb64)
        if user is None or not selectors.activation_link_is_valid(
            user=user, token=token
        ):
            return self._invalid(request)
        return self._respond(
            request, "accounts/activate.html", context={"person": user}
        )

    def post(self, request, uidb64, token):
        user = selectors.user_from_uidb64(uidb64=uidb64)
        if user is None:
            return self._invalid(request)
        try:
            user = services.user_activate(user=user, token=token)
        except services.ActivationError:
            return self._invalid(request)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, _("账号已激活，欢迎使用师傅学习平台。"))
        return redirect("accounts:profile")


@method_decorator(never_cache, name="dispatch")
class ProfileView(LoginRequiredMixin, FormView):
    """The signed-in person's own profile; never cached anywhere (private, no-store)."""

    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.profile_get_or_create(user=request.user)
            self.profile = selectors.profile_for_page(user=request.user)
            self.can_edit_organisation = selectors.user_can_edit_own_organisation(
                user=self.profile.user
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "display_name": self.profile.display_name,
            "phone": self.profile.phone,
            "organisation_name": self.profile.organisation.name
            if self.profile.organisation
            else "",
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["can_edit_organisation"] = self.can_edit_organisation
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = selectors.user_role(user=self.profile.user)
        context.update(
            {
                "profile": self.profile,
                "role_label": role.label if role else "",
                "can_edit_organisation": self.can_edit_organisation,
            }
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.profile_update_own(
                user=self.profile.user,
                display_name=data["display_name"],
                phone=data["phone"],
                organisation_name=data.get("organisation_name")
                if self.can_edit_organisation
                else None,
            )
        except ValidationError as error:
            form.add_error("organisation_name", error)
            return self.form_invalid(form)
        messages.success(self.request, _("个人资料已保存。"))
        return redirect(reverse("accounts:profile"))

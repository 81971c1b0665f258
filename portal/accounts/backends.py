"""Sign in with either the username or the e-mail address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class EmailOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user_model = get_user_model()
        identifier = username.strip()
        candidates = list(
            user_model._default_manager.filter(
                Q(username__iexact=identifier) | Q(email__iexact=identifier)
            )[:2]
        )
        if len(candidates) != 1:
            # Run the hasher anyway so unknown and ambiguous names take as long as
            # known ones (no account enumeration by timing).
            user_model().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

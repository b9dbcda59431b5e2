from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with either the username or the email address, ignoring case. An account
    waiting to be deleted at its owner's request may sign in, which cancels the deletion
    (sessions.sign_in); its old sessions stay ended, as `get_user` still refuses inactive
    accounts. An account staff deactivated never may (User.suspended_at)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        identifier = username.strip().lower()
        user = User.objects.filter(Q(username__lower=identifier) | Q(email__lower=identifier)).first()
        if user is None:
            # Spend the same time hashing as for a real account, so response times do not
            # reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and (self.user_can_authenticate(user) or user.may_come_back_by_signing_in):
            return user
        return None

"""The pages account emails link to, for development and for trying the API without a front end
(ACCOUNT_LINK_PAGES, on with DEBUG): each reads the token from its link and completes the action
through the public GraphQL API, as a front end at ACCOUNT_LINK_BASE would."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

PAGES = {
    "verify-email": ("Verify your email address", "verifyEmail"),
    "confirm-email": ("Confirm your new email address", "confirmEmailChange"),
    "reset-password": ("Choose a new password", "resetPassword"),
}


@require_safe
def account_link(request, action: str):
    if not settings.ACCOUNT_LINK_PAGES or action not in PAGES:
        raise Http404
    title, mutation = PAGES[action]
    return render(request, "accounts/account_link.html", {"title": title, "mutation": mutation})

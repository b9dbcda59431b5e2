"""The admin's sign-in page, throttled like the API's `login` (issue #21, M4): Django's own
form checks every password it is sent, so 40 guesses at `admin` from one address were all tried."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from platform.rate_limits import RateLimited

from .services.sessions import checked_credentials


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = checked_credentials(self.request, identifier=username, password=password)
            except RateLimited as limited:
                raise ValidationError(
                    f"Too many failed attempts. Try again in {limited.retry_after} seconds.", code="rate_limited"
                ) from None
            except ValidationError:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)  # staff and active only
        return self.cleaned_data

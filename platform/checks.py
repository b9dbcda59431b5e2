"""System checks of the kernel's own.

Django's deploy checks security.W001-W003 look for their middleware by dotted path in
MIDDLEWARE; ours are subclasses of those classes run on the event loop
(platform/middleware_on_loop.py), which the path test cannot see. Settings silence those three
and this check stands in for them, accepting the stock classes or any subclass."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.module_loading import import_string

STANDS_IN_FOR = {
    "security.W001": (SecurityMiddleware, "HSTS, nosniff, the referrer policy and the SSL redirect"),
    "security.W002": (XFrameOptionsMiddleware, "the X-Frame-Options header"),
    "security.W003": (CsrfViewMiddleware, "CSRF protection"),
}


@register(Tags.security, deploy=True)
def security_middleware_present(app_configs, **kwargs) -> list[Warning]:
    loaded = [import_string(path) for path in settings.MIDDLEWARE]
    return [
        Warning(
            f"No {base.__name__} (or subclass) in MIDDLEWARE: {what} will be missing.",
            id=f"platform.{code.split('.')[1]}",
        )
        for code, (base, what) in STANDS_IN_FOR.items()
        if not any(isinstance(cls, type) and issubclass(cls, base) for cls in loaded)
    ]

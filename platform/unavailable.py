"""While PostgreSQL is unreachable, every request gets a clean, typed answer: HTTP 503 with a
GraphQL error whose code is UNAVAILABLE and a Retry-After, never an HTML 500 page and never a
masked "Something went wrong". (Resolvers' database errors become UNAVAILABLE in the error
masking; this catches the rest: authentication, sessions, the admin.)"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin
from redis.exceptions import RedisError

from .middleware_on_loop import OnLoop

logger = logging.getLogger("flywheel.unavailable")

DATABASE_DOWN = (OperationalError, InterfaceError)
# The cache (Redis) being unreachable. Its users degrade instead of failing: rate limits let
# requests through, the feed forgets which videos a session has seen, roll-ups skip debouncing.
CACHE_DOWN = (ConnectionError, TimeoutError, RedisError)
RETRY_AFTER_SECONDS = 5
MESSAGE = "The service is briefly unavailable. Try again in a few seconds."


def unavailable_response() -> JsonResponse:
    response = JsonResponse({"errors": [{"message": MESSAGE, "extensions": {"code": "UNAVAILABLE"}}]}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@receiver(got_request_exception, dispatch_uid="platform.unavailable.remember")
def _remember_database_failures(sender, request=None, **kwargs) -> None:
    # Django turns an exception raised by any middleware into a 500 response before the
    # middleware around it sees it; the signal is where the exception can still be seen.
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_DOWN):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware(OnLoop, MiddlewareMixin):
    """The outermost middleware: turns a request that failed for want of the database into 503."""

    def process_response(self, request, response):
        if getattr(request, "database_unavailable", False):
            logger.warning("database unavailable: answered %s with 503", request.path)
            return unavailable_response()
        return response

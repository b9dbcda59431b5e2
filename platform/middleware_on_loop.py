"""Django's stock middleware, run on the event loop instead of one thread hop per hook.

Under ASGI, Django 5.2's ``MiddlewareMixin.__acall__`` runs every ``process_request`` and
``process_response`` through ``sync_to_async``, and the handler does the same for each
``process_view``: `{ __typename }` made 16 hops to the thread pool and back, about 2 ms of a
2.2 ms request (issue #27). The hooks of the classes below do no I/O on the way an API request
takes (they read headers and settings, set attributes, build lazy objects), so calling them
directly on the loop is safe; the few branches that may touch the database (saving a modified
session, storing flash messages in it) still go through ``sync_to_async``.

Written against Django 5.2 (pinned in requirements.txt): it relies on ``MiddlewareMixin``
calling ``__acall__`` when its ``get_response`` is a coroutine, and on the handler not
wrapping a ``process_view`` that is a coroutine function. ``platform/tests/test_thread_hops.py``
fails if an upgrade changes either (it counts the hops of a request)."""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware


class OnLoop:
    """Mixed in before a MiddlewareMixin class: its hooks run on the event loop."""

    async def __acall__(self, request):
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            response = await self._respond(request, response)
        return response

    async def _respond(self, request, response):
        if self._touches_database(request):
            return await sync_to_async(self.process_response)(request, response)
        return self.process_response(request, response)

    def _touches_database(self, request) -> bool:
        """Whether process_response will do I/O for this request (then it runs on a thread)."""
        return False


class OnLoopSecurityMiddleware(OnLoop, SecurityMiddleware):
    pass


class OnLoopCommonMiddleware(OnLoop, CommonMiddleware):
    pass


class OnLoopXFrameOptionsMiddleware(OnLoop, XFrameOptionsMiddleware):
    pass


class OnLoopAuthenticationMiddleware(OnLoop, AuthenticationMiddleware):
    """Sets the lazy `request.user` (and `auser`): nothing is read until a resolver asks."""


class OnLoopCsrfViewMiddleware(OnLoop, CsrfViewMiddleware):
    """The token lives in a cookie (CSRF_USE_SESSIONS is off), so no hook reads the database."""

    async def process_view(self, request, callback, callback_args, callback_kwargs):
        return super().process_view(request, callback, callback_args, callback_kwargs)


class OnLoopSessionMiddleware(OnLoop, SessionMiddleware):
    """Makes the lazy session on the loop; saves a modified one on a thread, as before."""

    def _touches_database(self, request) -> bool:
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class OnLoopMessageMiddleware(OnLoop, MessageMiddleware):
    """Flash messages (the admin's) may be stored in the session: only then a thread hop."""

    def _touches_database(self, request) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and (storage.used or storage.added_new)

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import JsonResponse

from platform.unavailable import DATABASE_DOWN, unavailable_response

from .services.tokens import user_for_token


def _bearer_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip()


def _invalid_token_response() -> JsonResponse:
    response = JsonResponse(
        {"errors": [{"message": "The bearer token is invalid, expired or revoked. Sign in again."}]},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


class BearerTokenMiddleware:
    """Authenticate apps that send ``Authorization: Bearer <token>``.

    Runs after Django's session authentication and replaces ``request.user`` for the request.
    A token that does not resolve is answered with 401 rather than silently treated as
    anonymous, so an app knows to sign in again instead of showing a logged-out feed.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        raw = _bearer_token(request)
        if raw is None:
            return self.get_response(request)
        try:
            user = user_for_token(raw)
        except DATABASE_DOWN:
            return unavailable_response()
        if user is None:
            return _invalid_token_response()
        self._attach(request, user, raw)
        return self.get_response(request)

    async def __acall__(self, request):
        from asgiref.sync import sync_to_async

        raw = _bearer_token(request)
        if raw is None:
            return await self.get_response(request)
        try:
            user = await sync_to_async(user_for_token)(raw)
        except DATABASE_DOWN:
            return unavailable_response()  # the token cannot be checked: not the client's fault
        if user is None:
            return _invalid_token_response()
        self._attach(request, user, raw)
        return await self.get_response(request)

    @staticmethod
    def _attach(request, user, raw):
        async def auser():
            return user

        request.user = user
        request.auser = auser
        request.access_token = raw
        # A bearer request carries no ambient browser credential, so CSRF does not apply.
        request._dont_enforce_csrf_checks = True

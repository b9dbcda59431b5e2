from django.conf import settings
from django.contrib import admin
from django.urls import path

from accounts.views import account_link

from .graphql.views import GraphQLHTTPView
from .media import serve_media
from .schema import schema

admin.site.site_header = "Flywheel administration"
admin.site.site_title = "Flywheel admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql", GraphQLHTTPView.as_view(schema=schema), name="graphql"),
    path("account/<slug:action>", account_link, name="account-link"),
    # uploads only through signed, expiring, access-checked URLs (never by their storage path)
    path(f"{settings.MEDIA_URL.strip('/')}/<str:token>/<str:filename>", serve_media, name="media"),
    path(f"{settings.MEDIA_URL.strip('/')}/<str:token>", serve_media),  # URLs handed out before names
]

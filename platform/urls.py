from django.conf import settings
from django.contrib import admin
from django.urls import path

from accounts.views import account_link
from feed.dashboard.views import dashboard

from . import health
from .graphql.views import GraphQLHTTPView
from .media import serve_media
from .schema import schema

admin.site.site_header = "Flywheel administration"
admin.site.site_title = "Flywheel admin"
admin.site.index_template = "admin/flywheel_index.html"  # the index, with a link to the dashboard

urlpatterns = [
    path("admin/dashboard/", admin.site.admin_view(dashboard), name="admin-dashboard"),
    path("admin/", admin.site.urls),
    path("graphql", GraphQLHTTPView.as_view(schema=schema), name="graphql"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("account/<slug:action>", account_link, name="account-link"),
    # uploads only through signed, expiring, access-checked URLs (never by their storage path)
    path(f"{settings.MEDIA_URL.strip('/')}/<str:token>/<str:filename>", serve_media, name="media"),
    path(f"{settings.MEDIA_URL.strip('/')}/<str:token>", serve_media),  # URLs handed out before names
]

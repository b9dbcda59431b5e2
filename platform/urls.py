from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.static import serve

from .graphql.views import GraphQLHTTPView
from .schema import schema

admin.site.site_header = "Flywheel administration"
admin.site.site_title = "Flywheel admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql", GraphQLHTTPView.as_view(schema=schema), name="graphql"),
]

if settings.DEBUG:
    # Production serves uploads from object storage or the front web server.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )

"""The admin dashboard page: the figures as JSON in the page (json_script, no inline code) drawn
by Chart.js (pinned, vendored in feed/static/feed) and a table under each chart."""

from django.contrib import admin
from django.template.response import TemplateResponse

from .figures import all_figures


def dashboard(request):
    figures = all_figures()
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "figures": figures,
    }
    return TemplateResponse(request, "admin/feed/dashboard.html", context)

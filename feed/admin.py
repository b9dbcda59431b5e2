from django.contrib import admin
from django.db import transaction

from .models import FeedSettings


@admin.register(FeedSettings)
class FeedSettingsAdmin(admin.ModelAdmin):
    """Saving, even from an old version's page, always adds a new version on top."""

    list_display = (
        "version",
        "following_share",
        "exploration_share",
        "brand_factor",
        "note",
        "created_by",
        "created_at",
    )
    readonly_fields = ("version", "created_by", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        obj.pk = None
        obj._state.adding = True
        # lock the newest version so two admins saving at once cannot take the same number
        latest = FeedSettings.objects.select_for_update().order_by("-version").first()
        obj.version = (latest.version if latest else 0) + 1
        obj.created_by = request.user
        obj.save()

from django.contrib import admin
from django.db import transaction

from .models import FeedSettings, PoolDecision, VideoDistribution
from .services import pools


@admin.register(FeedSettings)
class FeedSettingsAdmin(admin.ModelAdmin):
    """Saving, even from an old version's page, always adds a new version on top."""

    list_display = (
        "version",
        "following_share",
        "exploration_share",
        "session_weight",
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


class PoolDecisionInline(admin.TabularInline):
    model = PoolDecision
    fk_name = "video"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "pool", "action", "engagement", "bar", "impressions")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VideoDistribution)
class VideoDistributionAdmin(admin.ModelAdmin):
    list_display = ("video", "pool", "status", "impressions", "pool_impressions", "engagement", "updated_at")
    list_filter = ("status", "pool")
    search_fields = ("video__caption", "video__author__username")
    list_select_related = ("video__author",)
    readonly_fields = [field.name for field in VideoDistribution._meta.fields]
    show_full_result_count = False

    @admin.display(description="pool engagement")
    def engagement(self, obj):
        return f"{pools.engagement(obj, obj.video):.3f}"

    def has_add_permission(self, request):
        return False


@admin.register(PoolDecision)
class PoolDecisionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "video", "pool", "action", "engagement", "bar", "impressions")
    list_filter = ("action", "pool")
    list_select_related = ("video__author",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import NotificationGroup, NotificationSettings


@admin.register(NotificationGroup)
class NotificationGroupAdmin(admin.ModelAdmin):
    """What people were told, for support questions ("why did I get this?"). Read-only: they
    are written by the app's event handlers."""

    list_display = ("recipient", "kind", "count", "latest_actor", "latest_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "latest_actor__username")
    list_select_related = ("recipient", "latest_actor")
    date_hierarchy = "latest_at"
    readonly_fields = ("recipient", "kind", "key", "count", "latest_actor", "video", "comment", "text", "latest_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "only_from_following", "read_up_to")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)

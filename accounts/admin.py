from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from platform.events import announce

from .admin_login import ThrottledAdminAuthenticationForm
from .events import AccountsDeactivated
from .models import AccessToken, Block, Follow, FollowRequest, KeywordFilter, Mute, User
from .services import account_deletion

# the admin's sign-in page goes through the same limiter and back-off as the API's login
admin.site.login_form = ThrottledAdminAuthenticationForm


def _account_links(users, more_url: str, total: int):
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("admin:accounts_user_change", args=[user.pk]), user.username) for user in users),
    )
    if not total:
        return "—"
    return format_html('{} … <a href="{}">all {}</a>', links, more_url, total)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "display_name",
        "kind",
        "is_verified",
        "is_active",
        "follower_count",
        "following_count",
        "date_joined",
    )
    list_filter = ("kind", "is_verified", "is_active", "is_staff")
    search_fields = ("username", "email", "display_name")
    ordering = ("-date_joined",)
    readonly_fields = (
        "follower_count",
        "following_count",
        "recent_followers",
        "recent_following",
        "last_login",
        "date_joined",
        "deletion_due_at",
        "suspended_at",
    )
    fieldsets = (
        (None, {"fields": ("username", "email", "password")}),
        ("Profile", {"fields": ("display_name", "bio", "avatar", "kind", "is_verified")}),
        ("Audience", {"fields": ("follower_count", "following_count", "recent_followers", "recent_following")}),
        (
            "Access",
            {
                "fields": (
                    "is_active",
                    "suspended_at",
                    "deletion_due_at",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "kind", "password1", "password2")}),)
    actions = ("mark_brand", "mark_verified", "remove_verified", "deactivate", "reactivate", "schedule_deletion")
    show_full_result_count = False  # COUNT(*) over every account on each page view is wasted work

    @admin.display(description="latest followers")
    def recent_followers(self, obj):
        users = User.objects.filter(following_edges__followee=obj).order_by("-following_edges__created_at")[:20]
        url = reverse("admin:accounts_follow_changelist") + f"?followee__id__exact={obj.pk}"
        return _account_links(users, url, obj.follower_count)

    @admin.display(description="latest followed")
    def recent_following(self, obj):
        users = User.objects.filter(follower_edges__follower=obj).order_by("-follower_edges__created_at")[:20]
        url = reverse("admin:accounts_follow_changelist") + f"?follower__id__exact={obj.pk}"
        return _account_links(users, url, obj.following_count)

    def _update(self, request, queryset, message, **changes):
        count = queryset.update(**changes)
        self.message_user(
            request, ngettext(f"{count} account {message}.", f"{count} accounts {message}.", count), messages.SUCCESS
        )

    @admin.action(description="Mark selected accounts as BRAND")
    def mark_brand(self, request, queryset):
        self._update(request, queryset, "marked as brand", kind=User.Kind.BRAND)

    @admin.action(description="Mark selected accounts as verified")
    def mark_verified(self, request, queryset):
        self._update(request, queryset, "verified", is_verified=True)

    @admin.action(description="Remove verification")
    def remove_verified(self, request, queryset):
        self._update(request, queryset, "no longer verified", is_verified=False)

    @admin.action(description="Deactivate selected accounts (they can no longer sign in and are hidden)")
    def deactivate(self, request, queryset):
        deactivated = queryset.exclude(pk=request.user.pk)
        user_ids = list(deactivated.filter(is_active=True).values_list("pk", flat=True))
        # their tokens are revoked by the database (accounts migration 0004). A moderator's
        # decision wins over the owner's pending deletion: no signing in to undo it.
        self._update(
            request, deactivated, "deactivated", is_active=False, suspended_at=timezone.now(), deletion_due_at=None
        )
        announce(AccountsDeactivated(user_ids=tuple(user_ids)))

    @admin.action(description="Reactivate selected accounts (and cancel their deletion)")
    def reactivate(self, request, queryset):
        self._update(request, queryset, "reactivated", is_active=True, deletion_due_at=None, suspended_at=None)

    @admin.action(description="Delete selected accounts after the grace period (signing in cancels)")
    def schedule_deletion(self, request, queryset):
        accounts = list(queryset.exclude(pk=request.user.pk).filter(deletion_due_at__isnull=True))
        for user in accounts:
            account_deletion.schedule_deletion(user)
        count = len(accounts)
        message = ngettext(f"{count} account will be deleted.", f"{count} accounts will be deleted.", count)
        self.message_user(request, message, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        # unticking "active" on the form is the same moderator decision as the deactivate action
        if change and "is_active" in form.changed_data:
            obj.suspended_at = None if obj.is_active else timezone.now()
            obj.deletion_due_at = None
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            announce(AccountsDeactivated(user_ids=(obj.pk,)))

    # Deleting here erases as the owner's own deletion does, so counters elsewhere stay exact
    # (a bare row delete would leave hearts and follows counted).
    def delete_model(self, request, obj):
        account_deletion.erase(obj.pk)

    def get_deleted_objects(self, objs, request):
        # What goes with an account is the erasure's business (some of it is kept, blanked, or
        # anonymised), not the read-only admins' delete permission on follows or notifications.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            account_deletion.erase(pk)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that only services write (follows, blocks, audit trails): staff look,
    nobody edits, so counters and history stay true."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ("follower", "followee", "created_at")
    search_fields = ("follower__username", "followee__username")
    list_select_related = ("follower", "followee")
    date_hierarchy = "created_at"


@admin.register(Block)
class BlockAdmin(FollowAdmin):
    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("blocker__username", "blocked__username")
    list_select_related = ("blocker", "blocked")


@admin.register(FollowRequest)
class FollowRequestAdmin(admin.ModelAdmin):
    list_display = ("requester", "target", "created_at")
    search_fields = ("requester__username", "target__username")
    list_select_related = ("requester", "target")
    raw_id_fields = ("requester", "target")
    date_hierarchy = "created_at"


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ("muter", "muted", "created_at", "expires_at")
    search_fields = ("muter__username", "muted__username")
    list_select_related = ("muter", "muted")
    raw_id_fields = ("muter", "muted")


@admin.register(KeywordFilter)
class KeywordFilterAdmin(admin.ModelAdmin):
    list_display = ("user", "phrase", "created_at")
    search_fields = ("user__username", "phrase")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "client", "created_at", "last_used_at", "expires_at", "revoked_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    readonly_fields = ("user", "token_hash", "client", "created_at", "last_used_at", "expires_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)

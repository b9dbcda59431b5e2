from contextvars import ContextVar

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.html import format_html

from accounts.admin import ReadOnlyAdmin
from platform.media import media_url

from .admin_moderation import ModerationPanel
from .models import (
    Comment,
    DiscardedMedia,
    Hashtag,
    ModerationDecision,
    PolicyTerm,
    Report,
    Sound,
    Video,
    VideoInReview,
)
from .services import moderation, uploads


class DecisionInline(admin.TabularInline):
    model = ModerationDecision
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "moderator", "reason")
    verbose_name_plural = "audit trail"

    def has_add_permission(self, request, obj=None):
        return False


def _moderate(modeladmin, request, queryset, verb: str):
    """One decision for every selected video, in one statement (moderation.decide)."""
    if moderation.VERDICTS[verb].needs_reason and not request.POST.get("reason", "").strip():
        return TemplateResponse(
            request,
            "admin/videos/moderation_reason.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": f"{verb.capitalize()} videos",
                "videos": queryset,
                "verb": verb,
                "action": request.POST.get("action"),
            },
        )
    try:
        decided, refused = moderation.decide(queryset, request.user, verb, request.POST.get("reason", ""))
    except ValidationError as exc:
        modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
        return None
    modeladmin.message_user(
        request,
        f"{len(decided)} video(s) {verb}d." if verb != "remove" else f"{len(decided)} video(s) removed.",
        messages.SUCCESS,
    )
    for video, why in refused:
        modeladmin.message_user(request, f"{video}: {why}", messages.WARNING)
    return None


# The moderator looking at a page: its file links are signed for them (the media view lets staff
# fetch any video's files, the original upload included). A context variable, as one admin
# instance serves every request.
_moderator: ContextVar = ContextVar("moderator", default=None)


def _signed(video: Video, field_file) -> str:
    """A signed, expiring URL of one of the video's files, for the moderator on the page (the
    raw storage path is never served: it answered 404)."""
    moderator = _moderator.get()
    return media_url("", field_file.name, video_id=video.pk, viewer_id=moderator.pk if moderator else None)


@admin.register(Video)
class VideoAdmin(ModerationPanel, admin.ModelAdmin):
    list_display = (
        "id",
        "preview",
        "author",
        "short_caption",
        "status",
        "visibility",
        "is_original",
        "heart_count",
        "view_count",
        "created_at",
    )
    list_filter = ("status", "visibility", "is_original")
    search_fields = ("caption", "author__username")
    list_select_related = ("author",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = (
        "author",
        "file_link",
        "thumbnail_link",
        "status",
        "rejection_reasons",
        "review_notes",
        "duration_ms",
        "width",
        "height",
        "fps",
        "video_codec",
        "audio_codec",
        "loudness_dbfs",
        "content_hash",
        "is_original",
        "original_of",
        "sound",
        "heart_count",
        "comment_count",
        "share_count",
        "view_count",
        "completion_count",
        "rewatch_count",
        "watch_time_ms",
        "created_at",
        "published_at",
    )
    # the playback record is the pipeline's, shown as the player above the form (never edited by hand)
    exclude = ("frame_hashes", "phash_bands", "hashtags", "mentions", "file", "thumbnail", "playback")
    inlines = (DecisionInline,)
    actions = ("approve", "reject", "remove")

    # Deleting here deletes as the author's own deletion does: the author's heart total stays
    # exact and the files go after the grace period (a bare row delete would leave both behind).
    def delete_model(self, request, obj):
        uploads.erase_videos([obj], f"deleted in the admin by {request.user}")

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            uploads.erase_videos(list(queryset.select_for_update()), f"deleted in the admin by {request.user}")

    def get_deleted_objects(self, objs, request):
        # hearts, comments and watch history go with a video whatever the read-only admins of
        # those models may do by hand
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def changelist_view(self, request, extra_context=None):
        token = _moderator.set(request.user)
        try:
            response = super().changelist_view(request, extra_context)
            # rendered here, while the moderator is known (a TemplateResponse renders later)
            return response.render() if hasattr(response, "render") else response
        finally:
            _moderator.reset(token)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        token = _moderator.set(request.user)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            return response.render() if hasattr(response, "render") else response  # as above
        finally:
            _moderator.reset(token)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # the video the page already loaded: its player and the decisions it allows
        if obj is not None:
            context.update(self.moderation_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_add_permission(self, request):
        return False  # videos come through the upload pipeline only

    @admin.display(description="")
    def preview(self, obj):
        if not obj.thumbnail:
            return ""
        return format_html(
            '<img class="flywheel-thumb" src="{}" alt="" style="height:48px">', _signed(obj, obj.thumbnail)
        )

    @admin.display(description="file")
    def file_link(self, obj):
        return format_html('<a href="{}">the uploaded file</a>', _signed(obj, obj.file)) if obj.file else "-"

    @admin.display(description="thumbnail")
    def thumbnail_link(self, obj):
        if not obj.thumbnail:
            return "-"
        return format_html('<img src="{}" alt="" style="height:160px">', _signed(obj, obj.thumbnail))

    @admin.display(description="caption")
    def short_caption(self, obj):
        return obj.caption[:60]

    @admin.action(description="Approve: publish the selected videos")
    def approve(self, request, queryset):
        return _moderate(self, request, queryset, "approve")

    @admin.action(description="Reject the selected videos (with a reason)")
    def reject(self, request, queryset):
        return _moderate(self, request, queryset, "reject")

    @admin.action(description="Remove the selected videos (with a reason)")
    def remove(self, request, queryset):
        return _moderate(self, request, queryset, "remove")


@admin.register(VideoInReview)
class ReviewQueueAdmin(VideoAdmin):
    list_filter = ("visibility",)
    ordering = ("created_at",)  # oldest first: first in, first reviewed

    def get_actions(self, request):
        # a held video is approved, rejected or removed with a reason, never bulk-deleted
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Video.Status.IN_REVIEW)


@admin.register(PolicyTerm)
class PolicyTermAdmin(admin.ModelAdmin):
    list_display = ("term", "kind", "is_active", "note", "created_by", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("term", "note")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "video", "action", "moderator", "reason")
    list_filter = ("action",)
    search_fields = ("video__caption", "moderator__username", "reason")
    list_select_related = ("video__author", "moderator")


@admin.register(DiscardedMedia)
class DiscardedMediaAdmin(ReadOnlyAdmin):
    """Files of deleted videos waiting out their grace period: what storage still holds, and why."""

    list_display = ("discarded_at", "reason", "delete_after")
    date_hierarchy = "discarded_at"
    search_fields = ("reason",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "reason", "subject_link", "reporter", "status", "handled_by")
    list_filter = ("status", "reason")
    search_fields = ("details", "reporter__username")
    list_select_related = ("reporter", "video__author", "comment", "account", "handled_by")
    readonly_fields = (
        "reporter",
        "video",
        "comment",
        "account",
        "reason",
        "details",
        "handled_by",
        "handled_at",
        "created_at",
    )
    ordering = ("created_at",)
    actions = ("dismiss", "mark_actioned", "remove_reported_videos")

    @admin.display(description="subject")
    def subject_link(self, obj):
        return str(obj.subject)

    @admin.action(description="Dismiss the selected reports")
    def dismiss(self, request, queryset):
        count = moderation.close_reports(queryset, request.user, Report.Status.DISMISSED)
        self.message_user(request, f"{count} report(s) dismissed.", messages.SUCCESS)

    @admin.action(description="Mark the selected reports as actioned")
    def mark_actioned(self, request, queryset):
        count = moderation.close_reports(queryset, request.user, Report.Status.ACTIONED)
        self.message_user(request, f"{count} report(s) marked actioned.", messages.SUCCESS)

    @admin.action(description="Remove the reported videos and close their reports")
    def remove_reported_videos(self, request, queryset):
        for report in queryset.filter(video__isnull=False).exclude(video__status=Video.Status.REMOVED):
            moderation.decide(
                [report.video], request.user, "remove", f"Removed after a report: {report.get_reason_display()}."
            )
        count = moderation.close_reports(queryset.filter(video__isnull=False), request.user, Report.Status.ACTIONED)
        self.message_user(request, f"{count} report(s) actioned.", messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "author", "video", "text", "reply_count")
    search_fields = ("text", "author__username")
    list_select_related = ("author", "video")
    raw_id_fields = ("video", "top_level_video", "parent", "author")
    show_full_result_count = False


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Sound)
class SoundAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "duration_ms", "created_at")
    search_fields = ("title",)
    raw_id_fields = ("author", "original_video")

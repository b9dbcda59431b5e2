"""The moderation panel on a video's admin page (and in the review queue): the video itself in a
real player (hls.js, vendored in videos/static/videos), its poster, and approve, reject and remove
beside it, reject and remove each with the reason the author will read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from platform.media import media_url

from .models import Video
from .services import moderation

# what each decision needs and when it applies (the services check again, under a lock)
DECISIONS = {
    "approve": (moderation.approve, False, {Video.Status.IN_REVIEW, Video.Status.REJECTED, Video.Status.REMOVED}),
    "reject": (moderation.reject, True, {Video.Status.IN_REVIEW}),
    "remove": (moderation.remove, True, set(Video.Status.values) - {Video.Status.REMOVED}),
}


class ModerationPanel:
    """A ModelAdmin mixin for Video and its review-queue proxy."""

    change_form_template = "admin/videos/moderation_change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="%s_%s_moderate" % info,
            )
        ]
        return own + super().get_urls()

    def moderation_context(self, request, video: Video) -> dict:
        def signed(name: str) -> str:
            return media_url("", name, video_id=video.pk, viewer_id=request.user.pk)

        playback = video.playback or {}
        return {
            "player_url": signed(playback["master"]) if playback.get("master") else None,
            "poster_url": signed(video.thumbnail.name) if video.thumbnail else None,
            "moderate_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_moderate", args=[video.pk]
            ),
            "decisions": [name for name, (_, _, allowed) in DECISIONS.items() if video.status in allowed],
            "may_decide": self.has_change_permission(request, video),
        }

    def moderate_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        video = self.get_object(request, object_id)
        if video is None or not self.has_change_permission(request, video):
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        if decision not in DECISIONS:
            self.message_user(request, f"Unknown decision {decision!r}.", messages.ERROR)
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('change')}", args=[video.pk]))
        service, needs_reason, _ = DECISIONS[decision]
        try:
            service(video, request.user, *((request.POST.get("reason", ""),) if needs_reason else ()))
        except ValidationError as exc:
            self.message_user(request, f"{video}: {' '.join(exc.messages)}", messages.ERROR)
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('change')}", args=[video.pk]))
        done = {"approve": "approved and published", "reject": "rejected", "remove": "removed"}[decision]
        self.message_user(request, f"{video}: {done}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('changelist')}"))

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

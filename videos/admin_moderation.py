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
            # which decisions apply now (the service checks again, under a lock)
            "decisions": [verb for verb, v in moderation.VERDICTS.items() if video.status in v.allowed_from],
            "may_decide": self.has_change_permission(request, video),
        }

    def moderate_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        video = self.get_object(request, object_id)
        if video is None or not self.has_change_permission(request, video):
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        if decision not in moderation.VERDICTS:
            self.message_user(request, f"Unknown decision {decision!r}.", messages.ERROR)
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('change')}", args=[video.pk]))
        try:
            _, refused = moderation.decide([video], request.user, decision, request.POST.get("reason", ""))
        except ValidationError as exc:
            refused = [(video, " ".join(exc.messages))]
        if refused:
            self.message_user(request, f"{video}: {refused[0][1]}", messages.ERROR)
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('change')}", args=[video.pk]))
        self.message_user(request, f"{video}: {moderation.VERDICTS[decision].done}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:{self._url_name('changelist')}"))

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

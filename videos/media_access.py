"""Who may fetch a video's signed files (platform.media asks, by the token's "v" claim)."""

from accounts.models import User

from .models import Video
from .policies.video import may_see_video
from .services.playback import belongs_to


def may_fetch_video_file(claims: dict) -> bool:
    video = Video.objects.filter(pk=claims["v"]).only("file", "thumbnail", "playback", "author_id").first()
    if video is None:
        return False
    viewer = User.objects.filter(pk=claims["u"], is_active=True).first() if "u" in claims else None
    name = claims["f"]
    if name == video.file.name:  # the original upload: its author's and the moderators' only
        return viewer is not None and (viewer.pk == video.author_id or viewer.is_staff)
    if name != video.thumbnail.name and not belongs_to(video.playback, name):
        return False
    # moderators look at what they judge, whatever its audience
    return may_see_video(viewer, video) or (viewer is not None and viewer.is_staff)

import os
import tempfile
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from accounts.models import User
from accounts.services.email_address import require_verified_email
from platform.events import announce

from ..events import VideosAudienceChanged
from ..media import caption as caption_rules
from ..media.probe import NotAVideo
from ..models import Sound, Video
from ..policies.sound import visible_sounds
from ..policies.video import may_see_video
from .access import require_signed_in
from .media import check_upload
from .pipeline import review_video


@contextmanager
def local_path(upload: UploadedFile):
    """A filesystem path for an uploaded file: Django keeps large uploads on disk already;
    small ones are written out for FFmpeg."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    with tempfile.NamedTemporaryFile(suffix=os.path.splitext(upload.name or "")[1]) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        yield handle.name


def _validate(upload: UploadedFile | None, caption: str, visibility: str) -> str:
    errors = {}
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".") if upload else ""
    if upload is None:
        errors["file"] = ValidationError("Attach a video file.", code="required")
    elif upload.size > settings.VIDEO_MAX_BYTES:
        errors["file"] = ValidationError(
            f"The file is larger than {settings.VIDEO_MAX_BYTES // (1024 * 1024)} MB.", code="too_large"
        )
    elif extension not in settings.VIDEO_ALLOWED_EXTENSIONS:
        errors["file"] = ValidationError(
            f"Upload a video file ({', '.join(settings.VIDEO_ALLOWED_EXTENSIONS)}).", code="unsupported_type"
        )
    try:
        caption_rules.check_caption(caption)
    except ValidationError as problem:
        errors.update(problem.error_dict)
    if visibility not in Video.Visibility.values:
        errors["visibility"] = ValidationError("Unknown visibility.", code="invalid")
    if errors:
        raise ValidationError(errors)
    return extension


def _chosen_sound(author, sound_id) -> Sound | None:
    if sound_id is None:
        return None
    sound = visible_sounds(Sound.objects.filter(pk=sound_id), author).first()
    if sound is None:
        raise ValidationError({"sound_id": ValidationError("No such sound.", code="not_found")})
    return sound


def upload_video(
    author,
    upload: UploadedFile | None,
    *,
    caption: str = "",
    visibility: str = Video.Visibility.PUBLIC,
    sound_id: int | None = None,
) -> Video:
    """Store an upload and queue it for review. The file must at least decode as a video;
    anything else is refused here and nothing is stored. With `sound_id`, the video was made
    with that sound and joins its page (the review does not give it an "original sound")."""
    require_signed_in(author, "upload videos")
    require_verified_email(author, "upload", "upload videos")
    caption = caption.strip()
    extension = _validate(upload, caption, visibility)
    sound = _chosen_sound(author, sound_id)
    with local_path(upload) as path:
        try:
            check_upload(path)
        except NotAVideo as exc:
            raise ValidationError({"file": ValidationError(str(exc), code="invalid_video")}) from exc
    video = Video(
        author=author,
        caption=caption,
        visibility=visibility,
        comment_policy=author.default_comment_policy,
        sound=sound,
    )
    upload.seek(0)  # the decodability check read it; not every storage rewinds by itself
    video.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    try:
        with transaction.atomic():
            video.save()
            transaction.on_commit(lambda: review_video.enqueue(video.pk))
    except Exception:
        video.file.delete(save=False)
        raise
    return video


@transaction.atomic
def delete_video(user, video_id) -> None:
    """Authors delete their own videos; the files go after a grace period (media_trash)."""
    require_signed_in(user, "delete videos")
    video = Video.objects.select_for_update().filter(pk=video_id).first() if str(video_id).isdigit() else None
    if video is None or (video.author_id != user.pk and not may_see_video(user, video)):
        raise ValidationError({"video_id": ValidationError("No such video.", code="not_found")})
    if video.author_id != user.pk:
        raise PermissionDenied("Only the author can delete a video.")
    erase_videos([video], "deleted by its author")


def erase_videos(videos, why: str) -> None:
    """Delete `videos` (rows locked by the caller, or not needed to be) with what hangs on them:
    their hearts leave their authors' totals, and their files go after the grace period."""
    for video in videos:
        User.objects.filter(pk=video.author_id).update(heart_count=F("heart_count") - video.heart_count)
    forget_files(videos, f"video {', '.join(str(video.pk) for video in videos)} {why}"[:200])
    Video.objects.filter(pk__in=[video.pk for video in videos]).delete()
    announce(VideosAudienceChanged(video_ids=tuple(video.pk for video in videos)))


def forget_files(videos, reason: str, grace=None) -> None:
    """Delete every file of `videos` (original, thumbnail, renditions) once the transaction
    deleting their rows commits and the grace period (VIDEO_FILE_GRACE) has passed."""
    from .media_trash import discard
    from .playback import files_of

    names = [f.name for video in videos for f in (video.file, video.thumbnail) if f]
    names += [name for video in videos for name in files_of(video.playback)]
    discard(names, reason, grace)

"""The review pipeline every upload goes through before anyone else sees it:
probe → quality gate → content policy → originality → tags, sound and thumbnail →
PUBLISHED, IN_REVIEW or REJECTED, with reasons the author can read."""

import logging
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from platform.events import announce

from ..events import MentionedInCaption
from ..media import caption as caption_parser
from ..media import fingerprint
from ..media.examine import MediaFindings
from ..media.probe import Probe
from ..models import Hashtag, ModerationDecision, PolicyTerm, Sound, Video
from .decisions import record_decisions
from .media import examine
from .playback import TranscodeFailed, delete_playback
from .playback import encode as encode_playback
from .stored_files import stored_file_path

logger = logging.getLogger(__name__)


def quality_problems(found: Probe) -> list[str]:
    """Readable reasons a video fails the quality gate; empty when it passes."""
    problems = []
    short_side = min(found.width, found.height)
    if short_side < settings.VIDEO_MIN_SHORT_SIDE:
        problems.append(
            f"The picture is {found.width}×{found.height}; it needs at least "
            f"{settings.VIDEO_MIN_SHORT_SIDE} pixels on its shorter side."
        )
    seconds = found.duration_ms / 1000
    if found.duration_ms < settings.VIDEO_MIN_DURATION_MS:
        problems.append(f"The video lasts {seconds:.1f} s; the minimum is {settings.VIDEO_MIN_DURATION_MS / 1000:g} s.")
    if found.duration_ms > settings.VIDEO_MAX_DURATION_MS:
        problems.append(f"The video lasts {seconds:.0f} s; the maximum is {settings.VIDEO_MAX_DURATION_MS / 1000:g} s.")
    if found.audio is None:
        problems.append("The video has no sound track; add audible sound.")
    elif found.audio.rms_dbfs < settings.VIDEO_SILENCE_DBFS:
        problems.append("The sound track is silent; add audible sound.")
    elif found.audio.clipped_ratio > settings.VIDEO_CLIPPING_RATIO:
        problems.append(
            f"The sound is distorted: it is clipping for {found.audio.clipped_ratio:.0%} of the video. "
            "Lower the volume and upload again."
        )
    return problems


def problems_of(findings: MediaFindings) -> list[str]:
    if findings.unreadable:
        return [findings.unreadable]
    return quality_problems(findings.probe)


def _signed(value: int) -> int:
    """PostgreSQL bigint is signed; store 64-bit hashes in two's complement."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def find_original(video: Video, findings: MediaFindings) -> Video | None:
    """An earlier video with the same bytes, or with frames that differ only by re-encoding."""
    earlier = Video.objects.exclude(pk=video.pk).filter(created_at__lte=video.created_at).order_by("created_at")
    same_file = earlier.filter(content_hash=findings.content_hash).first()
    if same_file is not None:
        return same_file
    if not findings.frame_hashes:
        return None
    combined = fingerprint.combined_hash(findings.frame_hashes)
    candidates = earlier.filter(phash_bands__overlap=fingerprint.bands(combined)).only("pk", "frame_hashes")[:50]
    for candidate in candidates:
        distance = fingerprint.mean_frame_distance(
            findings.frame_hashes, [_unsigned(h) for h in candidate.frame_hashes]
        )
        if distance <= settings.VIDEO_NEAR_DUPLICATE_BITS:
            return candidate
    return None


def policy_matches(caption: str, hashtags: list[str]) -> list[str]:
    """Readable reasons the caption needs a human look, from the terms admins maintain."""
    reasons = []
    for term in PolicyTerm.objects.filter(is_active=True):
        if term.kind == PolicyTerm.Kind.HASHTAG:
            if term.term.lower().lstrip("#") in hashtags:
                reasons.append(f"The hashtag #{term.term.lstrip('#')} needs a human review before publishing.")
        elif re.search(rf"(?<!\w){re.escape(term.term)}(?!\w)", caption, re.IGNORECASE):
            reasons.append(f"The caption mentions “{term.term}”, which needs a human review before publishing.")
    return reasons


def tag_from_caption(video: Video) -> None:
    """The video's hashtags and mentions, as its caption says (at review, and after an edit)."""
    names = caption_parser.hashtags(video.caption)
    Hashtag.objects.bulk_create([Hashtag(name=name) for name in names], ignore_conflicts=True)
    video.hashtags.set(Hashtag.objects.filter(name__in=names))
    mentioned = caption_parser.mentions(video.caption)
    before = set(video.mentions.values_list("pk", flat=True))
    now = set(User.objects.filter(username__lower__in=mentioned, is_active=True).values_list("pk", flat=True))
    video.mentions.set(now)
    if now - before:
        announce(MentionedInCaption(video_id=video.pk, author_id=video.author_id, user_ids=tuple(sorted(now - before))))


def _attach_tags(video: Video, findings: MediaFindings) -> None:
    tag_from_caption(video)
    if findings.sound_fingerprint and video.sound_id is None:  # not made with a chosen sound
        video.sound, _ = Sound.objects.get_or_create(
            fingerprint=findings.sound_fingerprint,
            defaults={
                "title": f"original sound - {video.author.username}",
                "author": video.author,
                "original_video": video,
                "duration_ms": findings.probe.duration_ms,
            },
        )


def review(video_id: int) -> str:
    """Review a PROCESSING video and decide its status. Safe to run twice."""
    video = Video.objects.select_related("author").filter(pk=video_id).first()
    if video is None or video.status != Video.Status.PROCESSING:
        return video.status if video else "MISSING"
    playback, unplayable = None, None
    with stored_file_path(video.file) as path:
        findings, peak_rss = examine(path)
        problems = problems_of(findings)
        if not problems:
            try:
                playback = encode_playback(video.pk, path, findings.probe.duration_ms)
            except TranscodeFailed as exc:
                unplayable = str(exc)
    logger.debug("reviewed video %s: the file's reader peaked at %d MB", video_id, peak_rss // 2**20)
    try:
        return _decide(video_id, findings, problems, playback, unplayable)
    except BaseException:
        delete_playback(playback)  # nothing recorded it: no orphans
        raise


def _decide(video_id: int, findings, problems: list[str], playback: dict | None, unplayable: str | None) -> str:
    with transaction.atomic():
        video = Video.objects.select_for_update().select_related("author").get(pk=video_id)
        if video.status != Video.Status.PROCESSING:
            delete_playback(playback)  # another run of this review decided first
            return video.status
        video.playback = playback
        if findings.probe is not None:
            found = findings.probe
            video.duration_ms, video.width, video.height, video.fps = (
                found.duration_ms,
                found.width,
                found.height,
                found.fps,
            )
            video.video_codec, video.audio_codec = found.video_codec, found.audio_codec or ""
            video.loudness_dbfs = found.audio.rms_dbfs if found.audio and found.audio.rms_dbfs > -200 else None
        video.content_hash = findings.content_hash
        video.frame_hashes = [_signed(h) for h in findings.frame_hashes]
        video.phash_bands = (
            fingerprint.bands(fingerprint.combined_hash(findings.frame_hashes)) if findings.frame_hashes else []
        )
        if findings.thumbnail:
            video.thumbnail.save(
                f"{video.file.name.rsplit('/', 1)[-1]}.jpg", ContentFile(findings.thumbnail), save=False
            )

        original = find_original(video, findings) if findings.content_hash else None
        if original is not None:
            video.is_original, video.original_of = False, original
            video.review_notes = ["This looks like a re-upload of an earlier video, so it will be shown less."]
        _attach_tags(video, findings)
        review_reasons = policy_matches(video.caption, caption_parser.hashtags(video.caption))
        if unplayable:
            review_reasons = [*review_reasons, unplayable]

        if problems:
            video.status, video.rejection_reasons = Video.Status.REJECTED, problems
            action, reason = ModerationDecision.Action.AUTO_REJECTED, " ".join(problems)
        elif review_reasons:
            video.status, video.rejection_reasons = Video.Status.IN_REVIEW, review_reasons
            action, reason = ModerationDecision.Action.SENT_TO_REVIEW, " ".join(review_reasons)
        else:
            video.status, video.rejection_reasons = Video.Status.PUBLISHED, []
            video.published_at = timezone.now()
            action, reason = ModerationDecision.Action.PUBLISHED, ""
        video.save()
        record_decisions([video], action, reason)
    return video.status


def hold_for_moderators(video_id: int, reason: str) -> str:
    """A review that cannot finish: the video waits for a person, with the reason. Only a video
    still PROCESSING moves, so this is safe to call twice or after the review did finish."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.status != Video.Status.PROCESSING:
            return video.status if video else "MISSING"
        video.status, video.rejection_reasons = Video.Status.IN_REVIEW, [reason]
        video.save(update_fields=["status", "rejection_reasons"])
        record_decisions([video], ModerationDecision.Action.SENT_TO_REVIEW, reason)
    return video.status


@task()
def review_video(video_id: int) -> str:
    """Run an uploaded video through the review pipeline; returns the status it ends in."""
    return review(video_id)

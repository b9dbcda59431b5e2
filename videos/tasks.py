from django_tasks import task


@task()
def review_video(video_id: int) -> str:
    """Run an uploaded video through the review pipeline; returns the status it ends in."""
    from .services.pipeline import review

    return review(video_id)


@task()
def roll_up_watch_events() -> int:
    """Fold new watch events into video counters; returns how many events were counted. Events
    that had not settled yet get a roll-up of their own, so a quiet platform ends caught up."""
    from .services.watch import enqueue_after_settling
    from .services.watch_rollup import roll_up, unsettled_remain

    counted = roll_up()
    if unsettled_remain() and roll_up_watch_events.get_backend().supports_defer:
        enqueue_after_settling(roll_up_watch_events)
    return counted


@task()
def make_cover(video_id: int, at_ms: int) -> bool:
    """Remake a video's thumbnail from the frame its author chose."""
    from .services.covers import make_cover as remake

    return remake(video_id, at_ms)


@task()
def encode_renditions(video_id: int) -> bool:
    """Make the renditions of a video that has none (see services.playback.encode_missing)."""
    from .services.playback import TranscodeFailed, encode_missing

    try:
        return encode_missing(video_id)
    except TranscodeFailed:
        return False


@task()
def purge_discarded_media(row_id: int) -> bool:
    """Delete the files of a deleted video once their grace period has passed."""
    from .services.media_trash import purge

    return purge(row_id)

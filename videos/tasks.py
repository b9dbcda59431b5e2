from django_tasks import task


@task()
def review_video(video_id: int) -> str:
    """Run an uploaded video through the review pipeline; returns the status it ends in."""
    from .services.pipeline import review

    return review(video_id)


@task()
def roll_up_watch_events() -> int:
    """Fold new watch events into video counters; returns how many events were counted."""
    from .services.watch_rollup import roll_up

    return roll_up()

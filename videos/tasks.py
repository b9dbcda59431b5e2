from django_tasks import task


@task()
def review_video(video_id: int) -> str:
    """Run an uploaded video through the review pipeline; returns the status it ends in."""
    from .services.pipeline import review

    return review(video_id)

"""The tasks of the videos app live beside the services they run (a service queues its own
task, so the two never import each other). These names keep the paths of tasks queued before
they moved there (django-tasks-db stores each task's path), so a deploy strands none."""

from .services.covers import make_cover
from .services.media_trash import purge_discarded_media
from .services.pipeline import review_video
from .services.playback import encode_renditions
from .services.watch import roll_up_watch_events

__all__ = ["encode_renditions", "make_cover", "purge_discarded_media", "review_video", "roll_up_watch_events"]

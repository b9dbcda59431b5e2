from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    verbose_name = "Videos"

    def ready(self) -> None:
        from accounts.schema.video_parts import provide
        from platform.media import access_check

        from . import (
            handlers,  # noqa: F401  (subscribes them)
            task_recovery,  # noqa: F401  (registers its sweeps with the worker)
        )
        from .media_access import may_fetch_video_file
        from .schema import user_fields

        access_check("v", may_fetch_video_file)
        provide(user_fields)  # the User type's video fields (accounts/schema/video_parts.py)

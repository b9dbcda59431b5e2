from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    verbose_name = "Videos"

    def ready(self) -> None:
        from platform.media import access_check

        from . import signals  # noqa: F401  (connects the receivers)
        from .media_access import may_fetch_video_file

        access_check("v", may_fetch_video_file)

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The kernel as an app: what every other app stands on (system checks so far)."""

    name = "platform"
    label = "platform_kernel"
    verbose_name = "Flywheel platform"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers them)

from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        from platform import health

        from . import handlers  # noqa: F401  (subscribes them)

        # the For You model this process serves; without one the feed serves its heuristic, so
        # a process with no model is still ready
        health.register("model", _model_version, required=False)


def _model_version() -> str:
    from .services import model_store

    model = model_store.current()
    return f"v{model.version}" if model is not None else "none"

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def connect_receivers(self):
        from . import receivers  # noqa: F401

    def ready(self):
        self.connect_receivers()

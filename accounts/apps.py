from django.apps import AppConfig
from django.db.models import CharField, EmailField
from django.db.models.functions import Lower


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # `username__lower=` and `email__lower=` compare through LOWER(), which is what the
        # case-insensitive unique indexes are built on, so those look-ups use the index.
        CharField.register_lookup(Lower)
        EmailField.register_lookup(Lower)
        from platform.media import access_check

        from . import handlers  # noqa: F401  (subscribes them)
        from .models import DataExport

        # an account waiting out its deletion (or suspended) is hidden everywhere: its export too
        access_check(
            "x",
            lambda claims: DataExport.objects.filter(pk=claims["x"], file=claims["f"], user__is_active=True).exists(),
        )

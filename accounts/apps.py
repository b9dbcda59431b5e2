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
        from . import signals  # noqa: F401  (connects the receivers)

"""The tasks of the accounts app live beside the services they run (a service queues its own
task, so the two never import each other). These names keep the paths of tasks queued before
they moved there (django-tasks-db stores each task's path), so a deploy strands none."""

from .services.account_deletion import purge_account
from .services.account_mail import send_account_email
from .services.data_export import build_data_export

__all__ = ["build_data_export", "purge_account", "send_account_email"]

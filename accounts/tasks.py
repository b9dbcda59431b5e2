from django_tasks import task


@task()
def send_account_email(kind: str, user_id: int | None, address: str = "") -> bool:
    """Send one of the emails an account gets about itself (accounts.services.account_mail)."""
    from .services.account_mail import deliver

    return deliver(kind, user_id, address)


@task()
def purge_account(user_id: int) -> bool:
    """Erase an account whose deletion grace period has ended; nothing if its owner came back."""
    from .services.account_deletion import erase

    return erase(user_id, only_if_due=True)


@task()
def build_data_export(user_id: int) -> int | None:
    """Build an account's data export and email the link; the export's id."""
    from .services.data_export import build

    export = build(user_id)
    return export.pk if export else None

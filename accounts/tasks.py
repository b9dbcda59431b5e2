from django_tasks import task


@task()
def send_account_email(kind: str, user_id: int | None, address: str = "") -> bool:
    """Send one of the emails an account gets about itself (accounts.services.account_mail)."""
    from .services.account_mail import deliver

    return deliver(kind, user_id, address)

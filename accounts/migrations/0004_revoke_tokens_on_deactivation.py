"""Deactivating an account revokes its bearer tokens, however it is deactivated: a model save,
a queryset update, the admin, raw SQL. Done by the database, so no path can forget it; and since
the tokens are revoked rather than merely refused while the account is inactive, reactivating it
does not bring them back."""

from django.db import migrations

CREATE = """
CREATE FUNCTION accounts_revoke_tokens_on_deactivation() RETURNS trigger AS $$
BEGIN
    UPDATE accounts_accesstoken SET revoked_at = now()
    WHERE user_id = NEW.id AND revoked_at IS NULL;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_user_deactivated
AFTER UPDATE OF is_active ON accounts_user
FOR EACH ROW WHEN (OLD.is_active AND NOT NEW.is_active)
EXECUTE FUNCTION accounts_revoke_tokens_on_deactivation();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_user_deactivated ON accounts_user;
DROP FUNCTION IF EXISTS accounts_revoke_tokens_on_deactivation();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_follow_relation")]

    operations = [migrations.RunSQL(CREATE, DROP)]

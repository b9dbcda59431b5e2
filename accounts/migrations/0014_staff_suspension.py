"""Staff deactivation is recorded (suspended_at), so signing in can tell it from the owner's own
deletion request. Accounts inactive without a pending deletion were deactivated by staff."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0013_data_export'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='suspended_at',
            field=models.DateTimeField(blank=True, help_text="When staff deactivated the account. A moderator's decision: signing in never brings it back (only staff reactivate), whatever the owner asked before or after.", null=True),
        ),
        migrations.RunSQL(
            "UPDATE accounts_user SET suspended_at = now() WHERE NOT is_active AND deletion_due_at IS NULL",
            migrations.RunSQL.noop,
        ),
    ]

# The idempotency keys' model moves from accounts into the kernel (issue #23). The table stays
# as it is: only Django's record of which app owns it changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("accounts", "0005_idempotent_requests")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotentRequest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("actor", models.CharField(help_text="u:<user id>, or s:<session key> for anonymous viewers.", max_length=48)),
                        ("key", models.CharField(max_length=64)),
                        ("operation", models.CharField(max_length=64)),
                        ("fingerprint", models.CharField(help_text="SHA-256 of the operation's input.", max_length=64)),
                        ("result", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={
                        "db_table": "accounts_idempotentrequest",
                        "constraints": [models.UniqueConstraint(fields=("actor", "key"), name="accounts_idempotentrequest_once")],
                    },
                )
            ],
            database_operations=[],
        )
    ]

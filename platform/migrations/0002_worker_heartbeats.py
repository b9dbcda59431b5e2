# The workers' heartbeats move from videos into the kernel with the worker (issue #23). The
# table stays as it is: only Django's record of which app owns it changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("platform_kernel", "0001_idempotent_requests"), ("videos", "0023_dashboard_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkerHeartbeat",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("worker_id", models.CharField(max_length=64, unique=True)),
                        ("seen_at", models.DateTimeField()),
                    ],
                    options={"db_table": "videos_workerheartbeat"},
                )
            ],
            database_operations=[],
        )
    ]

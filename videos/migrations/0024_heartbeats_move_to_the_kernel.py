# The workers' heartbeats now belong to the kernel (platform/models.py, issue #23); the table is
# kept, so only Django's record of its owner changes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("videos", "0023_dashboard_indexes"), ("platform_kernel", "0002_worker_heartbeats")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WorkerHeartbeat")],
            database_operations=[],
        )
    ]

# The idempotency keys' model now belongs to the kernel (platform/models.py, issue #23); the
# table is kept, so only Django's record of its owner changes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0014_staff_suspension"), ("platform_kernel", "0001_idempotent_requests")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotentRequest")],
            database_operations=[],
        )
    ]

"""The current pool's own response: completions and rewatches from distinct served voters."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feed', '0002_traffic_pools'),
    ]

    operations = [
        migrations.AddField(
            model_name='videodistribution',
            name='pool_completions',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name='videodistribution',
            name='pool_rewatches',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]

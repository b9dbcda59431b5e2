"""Watch events carry their pool vote (pool_key); impressions remember whether the voter finished or rewatched."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('videos', '0020_bounded_caption_tags'),
    ]

    operations = [
        migrations.AddField(
            model_name='videoimpression',
            name='completed',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name='videoimpression',
            name='rewatched',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name='watchevent',
            name='pool_key',
            field=models.CharField(blank=True, help_text="Whose vote this is in the video's traffic pool (u:<account> or a:<address>); empty when the feed never served the video to this viewer, so the pool does not count it.", max_length=48, null=True),
        ),
        migrations.AlterField(
            model_name='video',
            name='impression_count',
            field=models.PositiveIntegerField(default=0, help_text='Viewers the feed served it to who reported watching it (any length): once per account or anonymous address and hour.'),
        ),
        migrations.AlterField(
            model_name='videoimpression',
            name='viewer_key',
            field=models.CharField(help_text="The pool vote's owner: u:<account> or a:<address>.", max_length=48),
        ),
        # events not yet rolled up were accepted under the old rule: they vote as their viewer did
        migrations.RunSQL(
            """UPDATE videos_watchevent
               SET pool_key = CASE WHEN user_id IS NULL THEN 's:' || session_key ELSE 'u:' || user_id END
               WHERE id > coalesce((SELECT max(last_event_id) FROM videos_watchrollup), 0)""",
            migrations.RunSQL.noop,
        ),
    ]

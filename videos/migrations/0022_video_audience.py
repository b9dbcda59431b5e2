"""Each video's audience (who may see it) as a column, so every visibility rule reads one indexed
value instead of joining its author. The database keeps it exact, however its inputs change (a
model save, a queryset update, the admin, raw SQL): a trigger on the video computes it from the
video's status and visibility and its author's activity and privacy, and a trigger on the
account recomputes its videos when those change. Existing videos are filled in here."""

from django.conf import settings
from django.db import migrations, models

CREATE = """
CREATE FUNCTION videos_audience(status text, visibility text, author bigint) RETURNS varchar
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN status <> 'PUBLISHED' OR NOT u.is_active THEN 'HIDDEN'
        WHEN visibility = 'PRIVATE' THEN 'PRIVATE'
        WHEN visibility = 'FOLLOWERS' OR u.is_private THEN 'FOLLOWERS'
        ELSE 'PUBLIC'
    END
    FROM accounts_user u WHERE u.id = author
$$;

CREATE FUNCTION videos_video_set_audience() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.audience := videos_audience(NEW.status, NEW.visibility, NEW.author_id);
    RETURN NEW;
END
$$;

-- OF audience too: a model save writes every column, its stale audience included
CREATE TRIGGER videos_video_audience
BEFORE INSERT OR UPDATE OF status, visibility, author_id, audience ON videos_video
FOR EACH ROW EXECUTE FUNCTION videos_video_set_audience();

CREATE FUNCTION accounts_user_refresh_audience() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE videos_video SET audience = videos_audience(status, visibility, author_id) WHERE author_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_user_audience
AFTER UPDATE OF is_active, is_private ON accounts_user
FOR EACH ROW
WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active OR OLD.is_private IS DISTINCT FROM NEW.is_private)
EXECUTE FUNCTION accounts_user_refresh_audience();

UPDATE videos_video SET audience = videos_audience(status, visibility, author_id);
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_user_audience ON accounts_user;
DROP FUNCTION IF EXISTS accounts_user_refresh_audience();
DROP TRIGGER IF EXISTS videos_video_audience ON videos_video;
DROP FUNCTION IF EXISTS videos_video_set_audience();
DROP FUNCTION IF EXISTS videos_audience(text, text, bigint);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('videos', '0021_watch_pool_votes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='video',
            name='audience',
            field=models.CharField(choices=[('PUBLIC', 'Anyone'), ('FOLLOWERS', "Its author's followers"), ('PRIVATE', 'Its author only'), ('HIDDEN', 'Its author only, not yet (or no longer) published')], db_default='HIDDEN', default='HIDDEN', editable=False, help_text="Who may see it, from its status and visibility and its author's privacy and activity: kept exact by the database itself (migration videos/0022), however any of them changes.", max_length=10),
        ),
        migrations.AddIndex(
            model_name='video',
            index=models.Index(fields=['audience', '-published_at'], name='videos_video_audience_recent'),
        ),
        migrations.RunSQL(CREATE, DROP),
    ]

"""Captions now carry at most 10 hashtags and 10 mentions (CAPTION_MAX_HASHTAGS, MENTIONS_MAX):
videos tagged before the bound keep their first ones, so every video's lists are within what
the API's cost model counts for them."""

from django.db import migrations

KEEP = 10

TRIM = """
DELETE FROM {table} t
USING (SELECT id, row_number() OVER (PARTITION BY video_id ORDER BY id) AS n FROM {table}) ranked
WHERE t.id = ranked.id AND ranked.n > %s
"""


def trim(apps, schema_editor):
    Video = apps.get_model("videos", "Video")
    for field in ("hashtags", "mentions"):
        table = schema_editor.quote_name(Video._meta.get_field(field).remote_field.through._meta.db_table)
        schema_editor.execute(TRIM.format(table=table), [KEEP])


class Migration(migrations.Migration):
    dependencies = [("videos", "0019_report_outlives_reporter")]

    operations = [migrations.RunPython(trim, migrations.RunPython.noop)]

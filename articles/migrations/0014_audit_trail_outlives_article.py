import django.db.models.deletion
from django.db import migrations, models

# The admin's search also looks in an agency item's subject codes (ChangeListMixin.
# get_search_results); without a trigram index on them, like those of migration 0008,
# every search read the whole archive for that one column.
SUBJECT_CODES_INDEX = "article_subject_codes_trgm"


def create_subject_codes_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SUBJECT_CODES_INDEX} ON articles_article "
            'USING gin (UPPER("subject_codes"::text) gin_trgm_ops)'
        )


def drop_subject_codes_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SUBJECT_CODES_INDEX}")


class Migration(migrations.Migration):
    """Audit rows keep their article's id when a draft is deleted, instead of going with
    it; the admin's search of subject codes gets its index."""

    dependencies = [
        ("articles", "0013_article_subject_codes_and_source_credit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="article",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="audit_entries",
                to="articles.article",
            ),
        ),
        migrations.RunPython(create_subject_codes_index, drop_subject_codes_index),
    ]

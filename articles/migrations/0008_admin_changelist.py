from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# The admin's article search looks for each word anywhere in the headline and the
# standfirst (UPPER(...) LIKE '%WORD%', Django's icontains). Trigram GIN indexes on exactly
# those expressions answer it without reading every article (ArticleAdmin.get_search_results).
# Author names need none: the table is small enough to read whole in well under a millisecond.
TRIGRAM_INDEXES = {
    "article_headline_trgm": 'UPPER("headline"::text) gin_trgm_ops',
    "article_dek_trgm": 'UPPER("dek"::text) gin_trgm_ops',
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in TRIGRAM_INDEXES.items():
        # CONCURRENTLY: the archive keeps taking writes while the index is built.
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f"ON articles_article USING gin ({expression})"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("articles", "0007_search_vector")]

    operations = [
        # The change list's order, newest first, read from the index alone: a deep page
        # steps over index entries rather than whole rows (ArticleChangeList.page_rows).
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["published_at", "id"], name="article_published_at_id"),
        ),
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; nothing elsewhere
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]

from django.db import migrations

# The weighted document expression searched at first (headline is varchar, hence the cast);
# migration 0007 replaces this index with one on the stored Article.search_vector.
DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(headline, '')::text), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(dek, '')), 'B'))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the substring fallback used elsewhere needs no index
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS article_search_document ON articles_article "
        f"USING GIN (({DOCUMENT}))"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_document")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]

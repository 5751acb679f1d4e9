import django.contrib.postgres.search
from django.db import migrations

# Ranking recomputed the document of every match from the text; a stored vector is read
# instead. A trigger (not save()) keeps it current, so bulk writes and raw updates do too.
CREATE = """
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', COALESCE(NEW.headline, '')), 'A')
        || setweight(to_tsvector('english', COALESCE(NEW.dek, '')), 'B')
        || setweight(to_tsvector('english', COALESCE(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF headline, dek, body, search_vector ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
UPDATE articles_article SET headline = headline;
DROP INDEX IF EXISTS article_search_document;
CREATE INDEX article_search_vector ON articles_article USING GIN (search_vector);
"""

DROP = """
DROP INDEX IF EXISTS article_search_vector;
DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_importers")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create, drop),
    ]

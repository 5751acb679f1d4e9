from django.db import migrations, models

# Readers type "Rio Claro" for "Río Claro" and the other way round: the search document
# and the queries use one configuration, English stemming after unaccent, so both fold
# to the same lexemes. The trigger of 0007 is replaced to write the document with it.
CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TEXT SEARCH CONFIGURATION newsroom (COPY = english);
ALTER TEXT SEARCH CONFIGURATION newsroom
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('newsroom', COALESCE(NEW.headline, '')), 'A')
        || setweight(to_tsvector('newsroom', COALESCE(NEW.dek, '')), 'B')
        || setweight(to_tsvector('newsroom', COALESCE(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
UPDATE articles_article SET headline = headline;
"""
# On a large archive the UPDATE above leaves a dead copy of every row and a long GIN
# pending list, which every search then reads: run `VACUUM ANALYZE articles_article`
# after migrating (a transaction cannot; autovacuum gets there too, later). At 100k
# articles search was three times slower until then (bench/RESULTS.md).

# "Did you mean": the words of the published archive, as written (not stemmed), with how
# many stories use each, for pg_trgm similarity. A materialized view: reading the whole
# archive takes seconds at 100k stories, so it is made by `manage.py
# refresh_search_words`, never while a reader waits.
VOCABULARY = """
CREATE MATERIALIZED VIEW articles_search_word AS
SELECT word, ndoc FROM ts_stat($q$
    SELECT to_tsvector('simple', headline || ' ' || dek || ' '
        || regexp_replace(body, '<[^>]+>', ' ', 'g'))
    FROM articles_article WHERE status = 'published'
$q$) WHERE length(word) > 2 AND word !~ '[0-9_]';
CREATE UNIQUE INDEX articles_search_word_word ON articles_search_word (word);
-- GiST, not GIN: only GiST gives the nearest words by distance (ORDER BY <->).
CREATE INDEX articles_search_word_trgm ON articles_search_word USING gist (word gist_trgm_ops);
"""

DROP = """
DROP MATERIALIZED VIEW IF EXISTS articles_search_word;
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', COALESCE(NEW.headline, '')), 'A')
        || setweight(to_tsvector('english', COALESCE(NEW.dek, '')), 'B')
        || setweight(to_tsvector('english', COALESCE(NEW.body, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
UPDATE articles_article SET headline = headline;
DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute(VOCABULARY)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


SLUG_HELP = "Left blank, it is made from the name (articles.slugs)."


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_rendered_article")]

    operations = [
        # The extensions are made in create(), on PostgreSQL only, and left in place when
        # going back (Django's CreateExtension would ask SQLite for pg_extension then).
        migrations.RunPython(create, drop),
        # The slug is filled by the model's save() with the one slug rule, not by the
        # admin's JavaScript, which transliterates differently.
        migrations.AlterField(
            model_name="author",
            name="slug",
            field=models.SlugField(blank=True, help_text=SLUG_HELP, max_length=200, unique=True),
        ),
        migrations.AlterField(
            model_name="section",
            name="slug",
            field=models.SlugField(blank=True, help_text=SLUG_HELP, max_length=100, unique=True),
        ),
        migrations.AlterField(
            model_name="tag",
            name="slug",
            field=models.SlugField(blank=True, help_text=SLUG_HELP, max_length=100, unique=True),
        ),
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="Left blank, it is made from the headline (articles.slugs).",
                max_length=200,
                unique=True,
            ),
        ),
    ]

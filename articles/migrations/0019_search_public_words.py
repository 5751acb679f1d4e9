from django.db import migrations

# "Did you mean" suggests words of the public archive only. The vocabulary of 0016 took
# every story with the published status, scheduled ones too, so a refresh made while a
# story was under embargo could suggest its words before it was out; publications now
# refresh it within minutes (articles.search.words_changed), so that would be the rule.
# A scheduled story's words join at the first refresh after its time.
VOCABULARY = """
DROP MATERIALIZED VIEW IF EXISTS articles_search_word;
CREATE MATERIALIZED VIEW articles_search_word AS
SELECT word, ndoc FROM ts_stat($q$
    SELECT to_tsvector('simple', headline || ' ' || dek || ' '
        || regexp_replace(body, '<[^>]+>', ' ', 'g'))
    FROM articles_article WHERE status = 'published' AND published_at <= now()
$q$) WHERE length(word) > 2 AND word !~ '[0-9_]';
CREATE UNIQUE INDEX articles_search_word_word ON articles_search_word (word);
CREATE INDEX articles_search_word_trgm ON articles_search_word USING gist (word gist_trgm_ops);
"""

PREVIOUS = """
DROP MATERIALIZED VIEW IF EXISTS articles_search_word;
CREATE MATERIALIZED VIEW articles_search_word AS
SELECT word, ndoc FROM ts_stat($q$
    SELECT to_tsvector('simple', headline || ' ' || dek || ' '
        || regexp_replace(body, '<[^>]+>', ' ', 'g'))
    FROM articles_article WHERE status = 'published'
$q$) WHERE length(word) > 2 AND word !~ '[0-9_]';
CREATE UNIQUE INDEX articles_search_word_word ON articles_search_word (word);
CREATE INDEX articles_search_word_trgm ON articles_search_word USING gist (word gist_trgm_ops);
"""


def public_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VOCABULARY)


def all_published_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    # After 0018 rather than 0016, so that the graph keeps one leaf (0017 and 0018 came
    # first).
    dependencies = [("articles", "0018_draft_without_section")]

    operations = [migrations.RunPython(public_words, all_published_words)]

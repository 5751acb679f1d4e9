"""The index on Article.updated_at (the page cache reads the newest change off it).

It was first added by editing migration 0004 after that had been applied in places, so
some databases have it and some do not. Made here with IF NOT EXISTS, it is in every one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_photos_app")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "CREATE INDEX IF NOT EXISTS article_updated_at "
                    "ON articles_article (updated_at)",
                    "DROP INDEX IF EXISTS article_updated_at",
                )
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="article",
                    index=models.Index(fields=["updated_at"], name="article_updated_at"),
                )
            ],
        )
    ]

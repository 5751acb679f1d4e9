import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Articles' parts rendered when they change, read with the article's row."""

    dependencies = [
        ("articles", "0014_audit_trail_outlives_article"),
    ]

    operations = [
        migrations.CreateModel(
            name="RenderedArticle",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="rendered",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("title", models.CharField(max_length=400)),
                ("head", models.TextField()),
                ("json_ld", models.TextField()),
                ("html", models.TextField()),
                ("keys", models.TextField()),
                ("rendered_at", models.DateTimeField()),
            ],
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """The article's ninjs document, stored with its other rendered parts so that the
    content API reads it with the article's row. Rows rendered before this have none
    (null) and are rendered again on their first read."""

    dependencies = [
        ("articles", "0016_reader_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="renderedarticle",
            name="ninjs",
            field=models.JSONField(blank=True, null=True),
        ),
    ]

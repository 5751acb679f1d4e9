from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_public_site")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="dateline",
            field=models.CharField(
                blank=True, help_text='Where the story was filed, e.g. "NEW YORK".',
                max_length=200,
            ),
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A draft may be saved before its section is chosen; past the draft stage (review,
    published or scheduled, taken down) an article always has one, since its public
    address starts with it. Every existing article has a section, so the constraint
    holds for the rows already there."""

    dependencies = [
        ("articles", "0017_rendered_ninjs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="section",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="articles.section",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("section__isnull", False), ("status", "draft"), _connector="OR"
                ),
                name="article_has_section_past_draft",
            ),
        ),
    ]

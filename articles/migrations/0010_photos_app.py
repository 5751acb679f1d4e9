"""Photo, Credit and Rendition move to the ``photos`` app, keeping their tables and rows.

Only Django's state changes: the tables stay where they are (the models name them with
``db_table``), and the foreign keys from articles and authors keep pointing at them.
The content types move too, so permissions (the Writer and Editor groups hold photo
permissions), admin log entries and revisions follow the models instead of being orphaned.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["photo", "credit", "rendition"]


def move_content_types(apps, schema_editor, *, old="articles", new="photos"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # A content type made for the new label meanwhile (none normally) would block the move.
        if ContentType.objects.filter(app_label=old, model=model).exists():
            ContentType.objects.filter(app_label=new, model=model).delete()
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="photos", new="articles")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_section_newest_index"),
        ("photos", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="lead_photo",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="photos.photo",
                    ),
                ),
                migrations.AlterField(
                    model_name="author",
                    name="photo",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="photos.photo",
                    ),
                ),
                migrations.DeleteModel(name="Credit"),
                migrations.DeleteModel(name="Rendition"),
                migrations.DeleteModel(name="Photo"),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

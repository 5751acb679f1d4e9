"""The photo library's models, which lived in ``articles`` until it became an app.

Their tables are the ones ``articles`` made (``articles_photo``, ``articles_credit``,
``articles_rendition``), kept as they are: this migration only tells Django's state
that the models now belong here. ``articles`` 0010 removes them from its own state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Photo",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "image",
                            models.ImageField(
                                blank=True,
                                height_field="height",
                                upload_to="photos/%Y/%m/",
                                width_field="width",
                            ),
                        ),
                        (
                            "width",
                            models.PositiveIntegerField(blank=True, editable=False, null=True),
                        ),
                        (
                            "height",
                            models.PositiveIntegerField(blank=True, editable=False, null=True),
                        ),
                        (
                            "title",
                            models.CharField(
                                blank=True,
                                help_text="A short name for the library.",
                                max_length=300,
                            ),
                        ),
                        ("alt_text", models.CharField(blank=True, max_length=500)),
                        ("caption", models.TextField(blank=True)),
                        (
                            "credit_line",
                            models.CharField(
                                blank=True,
                                help_text="Shown to readers exactly as written.",
                                max_length=500,
                            ),
                        ),
                        ("copyright_notice", models.CharField(blank=True, max_length=500)),
                        ("usage_terms", models.TextField(blank=True)),
                        ("source_url", models.URLField(blank=True, max_length=1000)),
                        ("focal_x", models.PositiveIntegerField(blank=True, null=True)),
                        ("focal_y", models.PositiveIntegerField(blank=True, null=True)),
                        ("focal_width", models.PositiveIntegerField(blank=True, null=True)),
                        ("focal_height", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "content_hash",
                            models.CharField(
                                blank=True, db_index=True, editable=False, max_length=64
                            ),
                        ),
                        ("source", models.CharField(blank=True, max_length=50)),
                        ("external_id", models.CharField(blank=True, max_length=300)),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_photo",
                        "ordering": ["-uploaded_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Credit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        ("creator", models.CharField(blank=True, max_length=200)),
                        ("organisation", models.CharField(blank=True, max_length=200)),
                        (
                            "licence",
                            models.CharField(
                                blank=True, help_text='For example "CC BY 2.0".', max_length=100
                            ),
                        ),
                        ("licence_url", models.URLField(blank=True)),
                        (
                            "platform",
                            models.CharField(
                                blank=True, help_text='For example "Wikimedia".', max_length=100
                            ),
                        ),
                        (
                            "photo",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="credits",
                                to="photos.photo",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_credit",
                        "ordering": ["photo", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="Rendition",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("spec", models.CharField(max_length=60)),
                        (
                            "file",
                            models.ImageField(
                                height_field="height", upload_to="renditions/", width_field="width"
                            ),
                        ),
                        ("width", models.PositiveIntegerField()),
                        ("height", models.PositiveIntegerField()),
                        (
                            "photo",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="renditions",
                                to="photos.photo",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_rendition",
                    },
                ),
                migrations.AddConstraint(
                    model_name="photo",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("external_id", ""), _negated=True),
                        fields=("source", "external_id"),
                        name="photo_unique_source_external_id",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="credit",
                    constraint=models.UniqueConstraint(
                        fields=("photo", "position"), name="credit_unique_position"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="rendition",
                    constraint=models.UniqueConstraint(
                        fields=("photo", "spec"), name="rendition_unique_spec"
                    ),
                ),
            ],
        ),
    ]

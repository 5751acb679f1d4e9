from pathlib import PurePosixPath

from django.db import migrations, models


def keep_uploaded_names(apps, schema_editor):
    # Photos stored before names were hashes are still stored under the name they were
    # uploaded with (those addresses keep working); record it as the field new ones fill.
    Photo = apps.get_model("photos", "Photo")
    for photo in Photo.objects.exclude(image="").only("pk", "image").iterator():
        name = PurePosixPath(str(photo.image)).name[:255]
        Photo.objects.filter(pk=photo.pk).update(original_filename=name)


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0002_renditions_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="original_filename",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(keep_uploaded_names, migrations.RunPython.noop),
    ]

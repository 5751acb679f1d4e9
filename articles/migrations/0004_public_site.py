from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_photo_library")]

    operations = []

"""The newsroom's two roles as groups: writers write, editors decide what goes out."""

from django.db import migrations

# Writers write and illustrate stories; they never publish (no publish_article).
WRITER = {
    "article": ["add", "change", "view"],
    "byline": ["add", "change", "delete", "view"],
    "author": ["add", "view"],
    "tag": ["add", "view"],
    "section": ["view"],
    "photo": ["add", "change", "view"],
    "credit": ["add", "change", "delete", "view"],
    "correction": ["view"],
    "auditentry": ["view"],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("auth", "contenttypes", "articles"):
        config = apps.get_app_config(label)
        if not getattr(config, "models_module", None):  # historical app configs have none
            config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="articles")

    editor, _ = Group.objects.get_or_create(name="Editor")
    # The audit trail is append-only for everyone: transitions write it, nobody edits it.
    editor.permissions.set(ours.exclude(codename__in=["change_auditentry", "delete_auditentry"]))

    writer, _ = Group.objects.get_or_create(name="Writer")
    codenames = [f"{action}_{model}" for model, actions in WRITER.items() for action in actions]
    writer.permissions.set(ours.filter(codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writer", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    # The groups need auth's and contenttypes' final tables, not only their first migration.
    dependencies += [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

"""Give a user a newsroom role: ``manage.py assign_role USER writer|editor``.

A user holds one role at a time, so assigning one removes the other. The user becomes
staff, since both roles work in the admin.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ROLES = {"writer": "Writer", "editor": "Editor"}


class Command(BaseCommand):
    help = "Make USER a writer or an editor (and staff)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ROLES))

    def handle(self, username, role, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                f'No user "{username}". Create it first (createsuperuser '
                f"or the admin), then assign the role."
            ) from None
        groups = {name: Group.objects.filter(name=name).first() for name in ROLES.values()}
        missing = [name for name, group in groups.items() if group is None]
        if missing:
            raise CommandError(f"Group {', '.join(missing)} is missing; run manage.py migrate.")
        with transaction.atomic():
            user.groups.remove(*groups.values())
            user.groups.add(groups[ROLES[role]])
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        self.stdout.write(f"{username} is now {'an' if role == 'editor' else 'a'} {role}.")

"""Create the "writer" and "editor" demo logins for a local site and print them.

For `make run` only: the passwords are printed on purpose, so the command refuses to run
outside debug mode, and on any database that holds users other than the two demo ones
(a real site's accounts must never sit beside printed passwords). Running it again
leaves existing demo accounts as they are, passwords included.
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from articles.models import Author

ACCOUNTS = [
    ("editor", "Editor", "editor-demo-2026"),
    ("writer", "Writer", "writer-demo-2026"),
]
DEMO_USERNAMES = [username for username, _, _ in ACCOUNTS]


class Command(BaseCommand):
    help = "Create the demo Writer and Editor accounts (local development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for a local site only, and this one runs in production "
                "mode (DJANGO_DEBUG is not 1). Create real accounts with createsuperuser "
                "and assign_role."
            )
        if real := list(
            User.objects.exclude(username__in=DEMO_USERNAMES).values_list("username", flat=True)[:3]
        ):
            raise CommandError(
                f"This database holds real accounts ({', '.join(real)}…); demo logins with "
                "printed passwords are not added beside them."
            )
        lines = []
        for username, role, password in ACCOUNTS:
            group = Group.objects.filter(name=role).first()
            if group is None:
                raise CommandError(f'The "{role}" group is missing; run migrate first.')
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@example.com"}
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                user.groups.set([group])
                lines.append(f"  {role:<7} {username} / {password}")
            else:
                lines.append(f"  {role:<7} {username} (kept as it was)")
        # The demo writer writes under the first demo byline, so "my articles" shows something.
        author = Author.objects.filter(user__isnull=True).order_by("pk").first()
        if author and not Author.objects.filter(user__username="writer").exists():
            author.user = User.objects.get(username="writer")
            author.save(update_fields=["user"])
        self.stdout.write(f"Demo logins for {settings.NEWSROOM['SITE_URL']}/admin/ :")
        self.stdout.write("\n".join(lines))

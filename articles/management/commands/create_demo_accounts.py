"""Create the "writer" and "editor" demo logins for a local site and print them.

For `make run` only: the passwords are printed on purpose, so never run it on a public
site. Re-running resets the two accounts to the printed passwords.
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from articles.models import Author

ACCOUNTS = [
    ("editor", "Editor", "editor-demo-2026"),
    ("writer", "Writer", "writer-demo-2026"),
]


class Command(BaseCommand):
    help = "Create the demo Writer and Editor accounts (local development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for a local site; DJANGO_DEBUG is off.")
        lines = []
        for username, role, password in ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.email = f"{username}@example.com"
            user.set_password(password)
            user.save()
            group = Group.objects.filter(name=role).first()
            if group is None:
                raise CommandError(f'The "{role}" group is missing; run migrate first.')
            user.groups.set([group])
            lines.append(f"  {role:<7} {username} / {password}")
        # The demo writer writes under the first demo byline, so "my articles" shows something.
        author = Author.objects.filter(user__isnull=True).order_by("pk").first()
        if author and not Author.objects.filter(user__username="writer").exists():
            author.user = User.objects.get(username="writer")
            author.save(update_fields=["user"])
        self.stdout.write("Demo logins for http://127.0.0.1:8000/admin/ :")
        self.stdout.write("\n".join(lines))

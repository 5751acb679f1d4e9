"""The desk's pages at archive scale: the dashboard (an editor's and a writer's) and the
"Front page" admin, timed and counted the way bench/admin_latency.py times the change list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/desk_latency.py

Logs in "bench-editor" (Editor) and "bench-writer" (Writer, credited as the archive's most
credited author), pins the three newest stories on the home page and on the first
section, and times GET requests through the whole stack in-process with production
settings. Each URL runs once unmeasured, then ``--repeat`` times; the query count is that
of the last request. Beside them, the floor: the admin's own password-change page for the
same editor, a page of Django's that reads next to nothing. Writes bench/out/desk.json and
prints a Markdown table.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402
    page_row,
    setup_production_django,
    time_page,
    write_report,
)
from bench.admin_latency import editor  # noqa: E402


def writer():
    from django.contrib.auth.models import Group, User
    from django.db.models import Count

    from articles.models import Author

    user, created = User.objects.get_or_create(
        username="bench-writer", defaults={"is_staff": True, "email": "writer@example.org"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name="Writer"))
    if not Author.objects.filter(user=user).exists():
        author = Author.objects.annotate(n=Count("bylines")).order_by("-n", "pk").first()
        author.user = user
        author.save(update_fields=["user"])
    return user


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    setup_production_django()
    from django.core.management import call_command
    from django.test import Client

    from articles.models import Article, Section
    from desk import front

    call_command("collectstatic", "--noinput", verbosity=0)
    the_editor, the_writer = editor(), writer()
    section = Section.objects.order_by("order", "name").first()
    newest = Article.objects.published().newest_first().values_list("pk", flat=True)
    front.set_pins(None, list(newest[:3]), until=None, by=the_editor)
    front.set_pins(section, list(newest.filter(section=section)[:3]), until=None, by=the_editor)
    clients = {}
    for name, user in (("editor", the_editor), ("writer", the_writer)):
        clients[name] = Client(headers={"x-forwarded-proto": "https"})
        clients[name].force_login(user)
    urls = {
        "floor: password change page (editor)": ("editor", "/admin/password_change/"),
        "dashboard (editor)": ("editor", "/admin/"),
        "dashboard (writer)": ("writer", "/admin/"),
        "front page: home (editor)": ("editor", "/admin/desk/front/"),
        "front page: a section (editor)": ("editor", f"/admin/desk/front/?section={section.slug}"),
    }
    rows, report = [], {}
    for label, (who, url) in urls.items():
        report[label] = time_page(clients[who], url, args.repeat, who=f"the {who}")
        rows.append(page_row(label, report[label]))
        print(rows[-1], flush=True)
    write_report(
        "desk",
        args.repeat,
        report,
        "| desk page | p50 ms | p95 ms | queries | slowest query ms |",
        rows,
    )


if __name__ == "__main__":
    main()

"""The admin article change list at archive scale, as an editor, with its query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/admin_latency.py

Logs in a user of the Editor group (created once: "bench-editor") and times GET
requests through the whole stack in-process with production settings: the first page,
the deepest page the capped count reaches (row 10,000), a status filter, a section
filter, a headline search, the author filter and a name search (both for the most
credited author) and "my articles", beside a floor measured in the same run: the
admin's password-change page for the same editor, which reads no articles. Each URL runs once
unmeasured, then ``--repeat`` times; the query count is that of the last request
(CaptureQueriesContext). Writes bench/out/admin.json and prints a Markdown table.
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

CHANGELIST = "/admin/articles/article/"


def editor():
    from django.contrib.auth.models import Group, User

    user, created = User.objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "email": "bench@example.org"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    setup_production_django()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from articles.admin.article import ArticleAdmin
    from articles.models import Author, Section

    # Production settings serve static files through the hashed manifest, which the
    # admin's pages need to render at all.
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(editor())
    section = Section.objects.order_by("order").first()
    author = Author.objects.annotate(n=Count("bylines")).order_by("-n", "pk").first()
    urls = {
        # The floor, in the same run: an admin page for the same editor that reads no
        # articles (session, user and permissions only), so a busy machine shows in it too.
        "floor: password change": "/admin/password_change/",
        "first page": CHANGELIST,
        # As deep as the list's count reaches (10,000 articles), whatever the page size.
        "deep page (row 10,000)": f"{CHANGELIST}?p={10_000 // ArticleAdmin.list_per_page}",
        "in review": f"{CHANGELIST}?state=review",
        "a section": f"{CHANGELIST}?section__id__exact={section.pk}",
        "search": f"{CHANGELIST}?q=budget",
        "an author": f"{CHANGELIST}?authors__id__exact={author.pk}",
        "author search": f"{CHANGELIST}?q={author.name.split()[-1]}",
        "my articles": f"{CHANGELIST}?mine=yes",
    }
    rows, report = [], {}
    for label, url in urls.items():
        report[label] = time_page(client, url, args.repeat, who="an editor")
        rows.append(page_row(label, report[label]))
        print(rows[-1], flush=True)
    write_report(
        "admin",
        args.repeat,
        report,
        "| change list (editor) | p50 ms | p95 ms | queries | slowest query ms |",
        rows,
    )


if __name__ == "__main__":
    main()

"""Rebuild the vocabulary that "Did you mean" suggestions come from.

The words of the published archive are kept in a materialized view
(``articles_search_word``, migration 0016) with a pg_trgm index, so a suggestion costs one
index lookup; reading the whole archive to rebuild it takes seconds at 100,000 stories,
so it is rebuilt by this command (daily from cron, or after a large import), never while
a reader waits. CONCURRENTLY: searches keep reading the old words meanwhile.
Without PostgreSQL there is nothing to rebuild: suggestions are found another way
(``articles.search``).
"""

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: the search vocabulary is kept on PostgreSQL only.")
            return
        with connection.cursor() as cursor:
            cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY articles_search_word")
            cursor.execute("SELECT count(*) FROM articles_search_word")
            (count,) = cursor.fetchone()
        self.stdout.write(f"The search vocabulary holds {count} words.")

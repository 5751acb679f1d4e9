"""/healthz for load balancers: 200 when this app server can query its database."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .breaker import breaker


@never_cache
def healthz(request):
    # While the breaker is open its probe is already asking the database: answer at once.
    if breaker.is_open():
        return _unavailable()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        breaker.failed(exc)
        return _unavailable()
    return JsonResponse({"status": "ok"})


healthz.answers_during_outage = True  # newsroom.middleware: it answers by itself


def _unavailable():
    return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)

"""The article change list's date hierarchy, drawn without reading every article.

Django's own asks for the distinct years (then months, then days) of the filtered list:
a DISTINCT over a truncated date of every matching row, on every view of the list, and
slower still under a search. Here the links run from the archive's first to its last
publication date, which are two reads at the ends of the ``published_at`` index whatever
the archive's size or the list's filters; within a year every month in that span is
offered, within a month every day. A newsroom publishes every day, so in practice no
link is empty; one that is lists no articles, as any filter with no matches does.
"""

import calendar
import datetime

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


def _local_date(value):
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def date_hierarchy_links(cl):
    """The context of admin/date_hierarchy.html, as Django's ``date_hierarchy`` gives it."""
    field = cl.date_hierarchy
    year_field, month_field, day_field = (f"{field}__{part}" for part in ("year", "month", "day"))
    # The change list has already refused values that are not numbers (?e=1).
    year, month, day = (cl.params.get(name) for name in (year_field, month_field, day_field))

    def link(filters):
        return cl.get_query_string(filters, [f"{field}__"])

    span = cl.model._default_manager.aggregate(first=Min(field), last=Max(field))
    if span["first"] is None:
        return {"show": False}
    first, last = _local_date(span["first"]), _local_date(span["last"])
    if not (year or month or day) and first.year == last.year:
        # One year (or one month) of articles: start there, as Django does.
        year = first.year
        if first.month == last.month:
            month = first.month

    if year and month and day:
        date = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        year, month = int(year), int(month)
        days = range(1, calendar.monthrange(year, month)[1] + 1)
        dates = [d for d in (datetime.date(year, month, n) for n in days) if first <= d <= last]
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                }
                for d in dates
            ],
        }
    if year:
        year = int(year)
        months = [datetime.date(year, n, 1) for n in range(1, 13)]
        months = [
            m
            for m in months
            if (first.year, first.month) <= (year, m.month) <= (last.year, last.month)
        ]
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m.month}),
                    "title": capfirst(formats.date_format(m, "YEAR_MONTH_FORMAT")),
                }
                for m in months
            ],
        }
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: str(y)}), "title": str(y)}
            for y in range(first.year, last.year + 1)
        ],
    }


@register.tag(name="article_date_hierarchy")
def article_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=date_hierarchy_links,
        template_name="date_hierarchy.html",
        takes_context=False,
    )

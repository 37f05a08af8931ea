"""``{% subscriber_date_hierarchy cl %}``: the subscriber list's date drill-down, quick at any size.

Django's ``{% date_hierarchy %}`` lists the years, months or days that hold rows with
``QuerySet.datetimes()``, a ``DISTINCT`` over every row of the (filtered) list; this tag
renders the same template with the periods found by
:func:`signups.admin_times.distinct_periods` (one index probe per period).
"""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode

from ..admin_times import distinct_periods

register = template.Library()


class _Periods:
    """The two calls Django's tag makes on the list's queryset, the second one quick."""

    def __init__(self, queryset):
        self._queryset = queryset

    def aggregate(self, *args, **kwargs):
        return self._queryset.aggregate(*args, **kwargs)

    def datetimes(self, field_name, kind):
        return distinct_periods(self._queryset, field_name, kind)


class _QuickChangeList:
    """The change list as Django's tag sees it: the same, but for its queryset."""

    def __init__(self, changelist):
        self._changelist = changelist
        self.queryset = _Periods(changelist.queryset)

    def __getattr__(self, name):
        return getattr(self._changelist, name)


def quick_date_hierarchy(cl):
    """Django's ``date_hierarchy(cl)`` context, its periods from ``distinct_periods``."""
    return date_hierarchy(_QuickChangeList(cl))


@register.tag(name="subscriber_date_hierarchy")
def subscriber_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        "subscriber_date_hierarchy",
        parser,
        token,
        func=quick_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )

"""Times for call-handling pages: ISO strings from the selectors shown in the force's zone."""

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def local_time(value, fmt: str = "%d %b %H:%M") -> str:
    """ "2026-11-22T08:12:00+00:00" → "22 Nov 08:12" in local time; "" for nothing."""
    if not value:
        return ""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).strftime(fmt)


@register.filter
def iso_value(value) -> str:
    """A datetime or an ISO string, as the ISO string a <time datetime> holds."""
    if not value:
        return ""
    return value if isinstance(value, str) else value.isoformat()

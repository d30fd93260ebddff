"""Filters for the intelligence panel and pages."""

from django import template
from django.utils.dateparse import parse_datetime
from django.utils.timezone import localtime

from intelligence import RISK_KINDS
from intelligence.rules import KIND_LABELS

register = template.Library()


@register.filter
def is_risk_kind(kind: str) -> bool:
    return kind in RISK_KINDS


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.filter
def risk_hits(hits) -> list[str]:
    """Labels of the risk kinds among the hits, in a fixed order."""
    kinds = {hit["kind"] for hit in hits or ()} & RISK_KINDS
    return [KIND_LABELS.get(kind, kind) for kind in sorted(kinds)]


@register.filter
def iso_time(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    return localtime(moment).strftime("%d %b %Y %H:%M")

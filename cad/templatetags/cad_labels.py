"""Labels, not codes, on pages: `{{ event.kind|event_label }}`."""

from django import template

from cad.kernel.labels import event_label as label_for_kind
from cad.models import Channel, LocationSource

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return label_for_kind(kind or "")


@register.filter
def channel_label(value: str) -> str:
    """ "switchboard" → "Switchboard": how the contact reached the force."""
    return dict(Channel.choices).get(value, value)


# What each match kind means to the person reading a hit or a scheme.
MATCH_LABELS = {"same_building": "same building (another flat or the whole building)"}


@register.filter
def matched_label(kinds) -> str:
    """["address", "person"] → "address, person"; "same_building" in words."""
    return ", ".join(MATCH_LABELS.get(kind, kind) for kind in kinds or ())


@register.filter
def location_source_label(value: str) -> str:
    """ "caller" → "Caller's location": how the incident's place was learnt."""
    return dict(LocationSource.choices).get(value or "", value or "")

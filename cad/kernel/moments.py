"""Moments as the API and the events write them."""

from __future__ import annotations

from datetime import datetime


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, or None for a moment not (yet) reached."""
    return moment.isoformat() if moment is not None else None

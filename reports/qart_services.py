"""QART actions on diverts: record a finding, open and conclude urgent reviews.

`divert_qart_review` is the only writer of `QartReview` and `UrgentReview`. Findings
are appended, never edited; the latest is the divert's QART status. An `urgent_review`
finding opens an urgent review (visible to supervisors); a later `appropriate` or
`inappropriate` finding concludes it.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from cad.kernel.errors import Conflict, InvalidInput, require_role
from cad.kernel.events import publish, service
from cad.kernel.policy import roles as policy_roles
from dispatch.models import Divert
from dispatch.models_qart import QartFinding, QartReview, UrgentReview

QART_ROLES = policy_roles("qart.review")
# Who hears about QART findings and urgent reviews on their screens.
QART_AUDIENCE = policy_roles("hears.qart")
NOTES_LIMIT = 10_000
# An adverse finding or an urgent review must say why.
NOTES_REQUIRED = (QartFinding.INAPPROPRIATE, QartFinding.URGENT_REVIEW)


def _event_data(divert: Divert, review: QartReview, **extra) -> dict:
    # Ids, kinds and references only: the notes stay on the divert's page.
    data = {
        "divert": divert.pk,
        "review": review.pk,
        "finding": review.finding,
        "qart_status": review.finding,
        "reviewer": review.reviewer.username,
        "callsign": divert.unit.callsign,
        "status": divert.status,
        "from_incident": divert.from_incident_id,
        "from_reference": divert.from_incident.reference,
        "to_incident": divert.to_incident_id,
        "to_reference": divert.to_incident.reference,
        "summary": f"QART: divert of {divert.unit.callsign} from "
        f"{divert.from_incident.reference} {review.get_finding_display().lower()}",
    }
    data.update(extra)
    return data


@service
def divert_qart_review(
    *,
    actor,
    divert: Divert | int,
    finding: str,
    notes: str = "",
    now: datetime | None = None,
) -> QartReview:
    """Record QART's finding on a divert (appropriate, inappropriate or urgent_review).

    Refused with 409 when an urgent review is already open and another is asked for.
    """
    require_role(actor, *QART_ROLES)
    now = now or timezone.now()
    notes = (notes if isinstance(notes, str) else "").strip()
    errors: dict[str, list[str]] = {}
    if finding not in QartFinding.values:
        errors["finding"] = [f"Finding must be one of: {', '.join(QartFinding.values)}."]
    elif finding in NOTES_REQUIRED and not notes:
        errors["notes"] = ["Say why: notes are required for this finding."]
    if len(notes) > NOTES_LIMIT:
        errors["notes"] = [f"Notes can be at most {NOTES_LIMIT} characters."]
    if errors:
        raise InvalidInput(errors)

    divert_id = divert.pk if isinstance(divert, Divert) else divert
    divert = (
        Divert.objects.select_for_update(of=("self",))
        .select_related("unit", "from_incident", "to_incident")
        .get(pk=divert_id)
    )
    open_review = (
        UrgentReview.objects.select_for_update()
        .filter(divert=divert, closed_at__isnull=True)
        .first()
    )
    if finding == QartFinding.URGENT_REVIEW and open_review is not None:
        raise Conflict(
            "An urgent review of this divert is already open; conclude it with a finding "
            "of appropriate or inappropriate."
        )
    review = QartReview.objects.create(
        divert=divert, finding=finding, notes=notes, reviewer=actor, at=now
    )
    concluded = None
    if finding == QartFinding.URGENT_REVIEW:
        UrgentReview.objects.create(
            divert=divert, opened_by=actor, opened_at=now, opening_review=review
        )
    elif open_review is not None:
        open_review.closed_at = now
        open_review.closed_by = actor
        open_review.closing_review = review
        open_review.save(update_fields=["closed_at", "closed_by", "closing_review"])
        concluded = open_review

    common = {
        "actor": actor,
        "incident": divert.from_incident,
        "unit_callsign": divert.unit.callsign,
        "divert_id": divert.pk,
        "roles": QART_AUDIENCE,
        "at": now,
    }
    publish(
        "divert.qart_reviewed",
        data=_event_data(divert, review, urgent_review_concluded=concluded is not None),
        **common,
    )
    if finding == QartFinding.URGENT_REVIEW:
        publish(
            "divert.urgent_review_opened",
            data=_event_data(
                divert,
                review,
                summary=f"Urgent QART review opened: divert of {divert.unit.callsign} from "
                f"{divert.from_incident.reference}",
            ),
            **common,
        )
    elif concluded is not None:
        publish(
            "divert.urgent_review_closed",
            data=_event_data(divert, review, urgent_review=concluded.pk),
            **common,
        )
    return review

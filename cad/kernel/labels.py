"""What people read for an event kind: "Unit diverted", not `unit.diverted`.

One table for every screen that lists events (the incident's history, QART's timeline, the
feed); a kind not named here reads as its words ("scheme.review_due" → "Scheme review due").
"""

EVENT_LABELS: dict[str, str] = {
    "assignment.acknowledged": "Unit acknowledged",
    "assignment.unacknowledged": "Assignment not acknowledged",
    "contact.created": "Contact recorded",
    "contact.da_answered": "Domestic abuse question answered",
    "contact.follow_up_overdue": "Follow-up overdue",
    "contact.follow_up_rerouted": "Follow-up re-routed",
    "divert.challenge_referred": "Divert challenge referred",
    "divert.challenge_resolved": "Divert challenge resolved",
    "divert.qart_reviewed": "Divert reviewed by QART",
    "divert.replaced": "Replacement unit sent",
    "divert.reviewed": "Divert reviewed",
    "divert.urgent_review_closed": "Urgent review closed",
    "divert.urgent_review_opened": "Urgent review opened",
    "incident.clock.breached": "Response time breached",
    "incident.clock.stopped": "Clock stopped (unit at scene)",
    "incident.clock.warning": "Response time warning",
    "incident.closed": "Incident closed",
    "incident.created": "Incident created",
    "incident.downgrade_flagged": "Graded below the recommendation",
    "incident.downgrade_reviewed": "Downgrade reviewed",
    "incident.entry_added": "Narrative added",
    "incident.graded": "Graded",
    "incident.unresourced": "No unit left",
    "incident.victim_callback": "Victim to be called back",
    "incident.victim_callback_done": "Victim called back",
    "incident.victim_callback_overdue": "Victim call back overdue",
    "intelligence.checked": "Intelligence checked",
    "intelligence.log_viewed": "Intelligence log viewed",
    "intelligence.request_answered": "Intelligence request answered",
    "intelligence.request_created": "Intelligence request made",
    "scheme.contact_recorded": "Scheme contact recorded",
    "scheme.created": "Special scheme created",
    "scheme.escalated": "Scheme review escalated",
    "scheme.expired": "Special scheme expired",
    "scheme.withdrawn": "Special scheme withdrawn",
    "unit.assigned": "Unit assigned",
    "unit.diverted": "Unit diverted",
    "unit.message": "Message from a unit",
    "unit.unable_to_attend": "Unit unable to attend",
    "unit.status_changed": "Unit status changed",
}


def event_label(kind: str) -> str:
    if kind in EVENT_LABELS:
        return EVENT_LABELS[kind]
    words = kind.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]

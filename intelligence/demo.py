"""Demo intelligence, including the case in the seed reports (safe to run again).

Ms A (07700 900123, 14 Acacia Avenue, SW1A 1AA) and her ex-husband: seven logs that
a check on her number and address must find: two domestic abuse crime reports, a
MARAC, two disclosure-scheme (DVDS) requests and two child safeguarding reports.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from intelligence.services import intel_import_run

VICTIM = {"name": "Ms A", "dob": "1986-03-14", "role": "victim"}
EX_HUSBAND = {"name": "Daniel Brookes", "dob": "1982-11-02", "role": "suspect"}
CHILD = {"name": "Lily Brookes", "dob": "2015-06-21", "role": "child"}
SEED_PHONE = "07700 900123"
SEED_ADDRESS = {"address": "14 Acacia Avenue", "postcode": "SW1A 1AA"}

# (source_ref, kind, days ago, summary, details, persons, with phone, with address)
SEED_CASE = [
    (
        "DEMO-SEED-1",
        "domestic_abuse",
        420,
        "Crime report: assault by ex-husband at the victim's home",
        "Ms A reported being pushed and punched by Daniel Brookes after an argument about "
        "contact with their daughter. ABH recorded; suspect arrested, released under "
        "investigation. DASH: high risk.",
        [VICTIM, EX_HUSBAND],
        True,
        True,
    ),
    (
        "DEMO-SEED-2",
        "domestic_abuse",
        190,
        "Crime report: harassment, breach of non-molestation order",
        "Repeated calls and messages from Daniel Brookes despite the order; he waited "
        "outside the address twice. Order breach recorded.",
        [VICTIM, EX_HUSBAND],
        True,
        True,
    ),
    (
        "DEMO-SEED-3",
        "marac",
        400,
        "MARAC: case heard, high risk; safety plan and address marker agreed",
        "Multi-agency risk assessment conference. Actions: IDVA support, location marker on "
        "14 Acacia Avenue, school informed, police to treat calls from the address as urgent.",
        [VICTIM, EX_HUSBAND],
        True,
        True,
    ),
    (
        "DEMO-SEED-4",
        "dvds",
        500,
        "DVDS right to ask: disclosure request about the ex-husband",
        "Ms A asked about Daniel Brookes' history (Clare's Law). Disclosure made: two "
        "previous partners, violence recorded.",
        [VICTIM, EX_HUSBAND],
        True,
        True,
    ),
    (
        "DEMO-SEED-5",
        "dvds",
        380,
        "DVDS right to know: police-initiated disclosure to the victim",
        "Panel decided to disclose further offending by Daniel Brookes to Ms A.",
        [VICTIM, EX_HUSBAND],
        False,
        True,
    ),
    (
        "DEMO-SEED-6",
        "safeguarding_children",
        410,
        "Child safeguarding referral: child present during domestic incident",
        "Referral to children's services after the assault; Lily (9) present.",
        [VICTIM, CHILD],
        True,
        True,
    ),
    (
        "DEMO-SEED-7",
        "safeguarding_children",
        185,
        "Child safeguarding: father attempted unplanned school collection",
        "School reported Daniel Brookes trying to collect Lily against the contact "
        "arrangement. Strategy discussion held.",
        [CHILD, EX_HUSBAND],
        False,
        True,
    ),
]

OTHER_LOGS = [
    {
        "source_ref": "DEMO-OTHER-1",
        "kind": "threat_to_life",
        "days": 30,
        "summary": "Osman warning issued: threat to life from a named associate",
        "details": "Credible threat to kill reported by a source; Osman notice served.",
        "persons": [{"name": "Ravi Patel", "dob": "1990-01-20"}],
        "addresses": [{"address": "Flat 3, 22 Mill Lane", "postcode": "M1 1AE"}],
        "phones": ["07700 900456"],
    },
    {
        "source_ref": "DEMO-OTHER-2",
        "kind": "warning_marker",
        "days": 700,
        "summary": "Warning marker: occupant known to keep a dog trained to attack",
        "details": "Officers attending should request a dog unit.",
        "persons": [{"name": "Gary Thompson", "dob": "1975-07-07"}],
        "addresses": [{"address": "7 Station Road", "postcode": "B33 8TH"}],
        "phones": [],
    },
    {
        "source_ref": "DEMO-OTHER-3",
        "kind": "other",
        "days": 60,
        "summary": "Repeat caller: noise complaints about a neighbour",
        "details": "Eleven calls in three months about music; council noise team involved.",
        "persons": [{"name": "Susan Clarke", "dob": "1958-09-30"}],
        "addresses": [{"address": "9 Station Road", "postcode": "B33 8TH"}],
        "phones": ["0121 496 0000"],
    },
]


def seed_rows(now=None) -> list[dict]:
    now = now or timezone.now()
    rows = []
    for ref, kind, days, summary, details, persons, phone, address in SEED_CASE:
        rows.append(
            {
                "source_ref": ref,
                "kind": kind,
                "summary": summary,
                "details": details,
                "occurred_at": (now - timedelta(days=days)).isoformat(),
                "handling_code": "OFFICIAL-SENSITIVE",
                "source": "demo",
                "persons": persons,
                "phones": [SEED_PHONE] if phone else [],
                "addresses": [SEED_ADDRESS] if address else [],
            }
        )
    for other in OTHER_LOGS:
        row = {key: value for key, value in other.items() if key != "days"}
        row["occurred_at"] = (now - timedelta(days=other["days"])).isoformat()
        row["source"] = "demo"
        rows.append(row)
    return rows


def seed(*, users, password):
    """Logs are keyed by source reference, so running this again adds nothing."""
    rows = [(line, row, None) for line, row in enumerate(seed_rows(), start=1)]
    result = intel_import_run(actor=users["intelligence"], rows=rows, source="demo")
    if result.errors:
        raise RuntimeError(f"demo intelligence rejected: {result.errors}")
    return result

// Hit summaries for call-handling screens: the same markup as templates/intelligence/_hits_panel.html.
//
//   import { lookupHits, renderHits } from "/static/js/intel_panel.js";
//   const hits = await lookupHits({ phone, address, postcode, name, dob });
//   renderHits(document.querySelector("[data-intel-panel]"), { checked_at: null, hits }, { preview: true });

const RISK_KINDS = new Set(["domestic_abuse", "marac", "dvds", "threat_to_life"]);
const LABELS = {
  domestic_abuse: "Domestic abuse",
  marac: "MARAC",
  dvds: "Domestic violence disclosure scheme",
  safeguarding_children: "Safeguarding (children)",
  safeguarding_adults: "Safeguarding (adults)",
  threat_to_life: "Threat to life",
  warning_marker: "Warning marker",
  other: "Other",
};

let pending = null;

// Summaries only; nothing is recorded. Earlier calls still in flight are abandoned.
export async function lookupHits(params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  if (![...query.keys()].length) return [];
  pending?.abort();
  pending = new AbortController();
  const response = await fetch(`/api/v1/intelligence/check/?${query}`, {
    credentials: "same-origin",
    signal: pending.signal,
  });
  if (!response.ok) throw new Error(`intelligence lookup failed (${response.status})`);
  return (await response.json()).hits;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function renderHits(panel, intel, { preview = false } = {}) {
  const hits = intel.hits || [];
  const heading = element("h2", "Intelligence ");
  heading.append(element("span", preview ? "as typed (not yet recorded)" : intel.checked_at ? `checked ${new Date(intel.checked_at).toLocaleTimeString("en-GB")}` : "", "muted"));
  const parts = [heading];
  if (!hits.length) {
    parts.push(element("p", preview || intel.checked_at ? "No intelligence found for this phone, address or persons." : "No intelligence check has run yet.", "muted"));
  } else {
    const risks = [...new Set(hits.map((hit) => hit.kind).filter((kind) => RISK_KINDS.has(kind)))].sort();
    if (risks.length) parts.push(element("p", `Risk intelligence: ${risks.map((kind) => LABELS[kind]).join(", ")}`, "banner banner-risk"));
    const table = element("table", undefined, "intel-hits");
    const head = element("tr");
    for (const title of ["Kind", "Summary", "Matched on", "When"]) head.append(element("th", title));
    table.append(element("thead"));
    table.tHead.append(head);
    const body = element("tbody");
    for (const hit of hits) {
      const tr = element("tr");
      tr.dataset.logId = hit.id;
      const kind = element("td");
      kind.append(element("span", LABELS[hit.kind] || hit.kind, `tag ${RISK_KINDS.has(hit.kind) ? "tag-risk" : "tag-history"}`));
      tr.append(kind, element("td", hit.summary), element("td", hit.matched_on.join(", ")), element("td", (hit.occurred_at || "").slice(0, 10)));
      body.append(tr);
    }
    table.append(body);
    parts.push(table);
  }
  panel.replaceChildren(...parts);
}

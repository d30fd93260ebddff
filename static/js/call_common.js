// Helpers shared by the call handler's screen, the incident page and the follow-ups page.

// The API and its CSRF token come from the one helper every screen shares.
export { api, csrfToken } from "./screen.js";

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// 400 {"field": ["message"]} or {"detail": "..."} as a list the handler can read.
export function showErrors(box, status, data) {
  box.replaceChildren();
  if (!data) {
    box.append(el("p", `The server answered ${status}.`));
    return;
  }
  if (data.detail) {
    box.append(el("p", data.detail));
    return;
  }
  const list = el("ul");
  for (const [field, messages] of Object.entries(data)) {
    const text = Array.isArray(messages)
      ? messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")
      : typeof messages === "object"
        ? Object.entries(messages).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`).join("; ")
        : String(messages);
    const item = el("li", `${field.replaceAll("_", " ")}: ${text}`);
    item.dataset.field = field;
    list.append(item);
  }
  box.append(list);
}

export function localTime(iso) {
  if (!iso) return "";
  const at = new Date(iso);
  return `${at.toLocaleDateString("en-GB", { day: "numeric", month: "short" })} ${at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`;
}

const CHANNELS = { "999": "999", "101": "101", switchboard: "Switchboard", online: "Online", other: "Other" };

// Previous contacts and incidents, most recent first, with their summaries.
export function renderPrevious(box, rows, { repeat = false } = {}) {
  const parts = [];
  const heading = el("h3", `Previous contacts (${rows.length})`);
  if (repeat) heading.append(" ", el("span", "REPEAT CONTACT (28 days)", "tag tag-warn"));
  parts.push(heading);
  if (!rows.length) {
    parts.push(el("p", "None found for this phone, address or caller.", "muted"));
  } else {
    const table = el("table", undefined, "previous-contacts");
    const head = el("tr");
    for (const title of ["When", "Ref", "Channel", "Summary", "Matched on"]) head.append(el("th", title));
    table.append(el("thead"));
    table.tHead.append(head);
    const body = el("tbody");
    for (const row of rows) {
      const tr = el("tr");
      tr.dataset.contactId = row.id;
      const ref = el("td");
      if (row.incident) {
        const link = el("a", row.incident_reference);
        link.href = `/incidents/${row.incident}/`;
        ref.append(link);
        if (row.domestic_abuse) ref.append(" ", el("span", "DA", "tag tag-risk"));
      } else {
        const link = el("a", row.reference);
        link.href = `/contacts/${row.id}/`;
        ref.append(link);
      }
      tr.append(
        el("td", localTime(row.at)),
        ref,
        el("td", CHANNELS[row.channel] || row.channel),
        el("td", row.summary),
        el("td", (row.matched_on || []).join(", ")),
      );
      body.append(tr);
    }
    table.append(body);
    parts.push(table);
  }
  box.replaceChildren(...parts);
}

// The same markup as templates/schemes/_banner.html: in force red, ended grey.
export function renderSchemes(box, schemes) {
  const parts = [];
  for (const item of schemes) {
    const active = item.active !== false && !item.ended_at;
    const banner = el("div", undefined, active ? "banner banner-risk" : "banner banner-history");
    banner.dataset.schemeId = item.id;
    banner.dataset.schemeStatus = item.status;
    if (active) banner.setAttribute("role", "alert");
    banner.append(
      el("span", active ? "SPECIAL SCHEME" : "ENDED SCHEME", active ? "tag" : "tag tag-history"),
      ` ${item.summary || ""}`,
      active ? ` — grade floor IMMEDIATE (scheme #${item.id})` : ` (scheme #${item.id})`,
    );
    parts.push(banner);
  }
  box.replaceChildren(...parts);
}

// Risk flags with the engine's reasons.
export function renderReasons(list, reasons) {
  list.replaceChildren(
    ...reasons.map((reason) => {
      const item = el("li");
      item.dataset.flag = reason.code;
      const severity = reason.severity === "history" ? "tag-history" : reason.severity === "warn" ? "tag-warn" : "tag-risk";
      item.append(el("span", reason.label, `tag ${severity}`), " ", el("span", reason.reason));
      if (reason.recommend) item.append(" ", el("span", `→ ${reason.recommend}`, "muted"));
      return item;
    }),
  );
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// The badges that sum an incident up: status, the daily review's label, ongoing, unverified.
import { html } from "lit";

import { LABEL_NAMES, STATUS_NAMES } from "./format.js";

export function incidentBadges(incident) {
  const badges = [];
  if (incident.status) {
    badges.push(
      html`<span class="badge ${incident.status}">${STATUS_NAMES[incident.status] || incident.status}</span>`,
    );
  }
  if (incident.review_label) {
    badges.push(
      html`<span class="badge ${incident.review_label}" title=${incident.review_reason || ""}
        >${LABEL_NAMES[incident.review_label] || incident.review_label}</span
      >`,
    );
  }
  if (!incident.ended) badges.push(html`<span class="badge alert">Ongoing</span>`);
  if (incident.alerts > 0 && !incident.verified) {
    badges.push(html`<span class="badge" title="Raised while the VLM could not be asked">Not verified</span>`);
  }
  return badges;
}

// The Review page: incidents by review state, camera and day, and the detail of one.
import { LitElement, css, html, nothing } from "lit";

import { errorText, listIncidents } from "./api.js";
import { incidentBadges } from "./badges.js";
import "./incident-detail.js";
import { dayBounds, shortTime, thumbnail } from "./format.js";
import { shared } from "./styles.js";

const PAGE = 50;

export const REVIEW_TABS = [
  { key: "needs", label: "Needs review", filters: { statuses: ["new"] } },
  {
    key: "flagged",
    label: "Flagged by the daily review",
    filters: { statuses: ["new"], labels: ["FALSE_POSITIVE", "NOISE"] },
  },
  { key: "suppressed", label: "Suppressed", filters: { statuses: ["suppressed"] } },
  { key: "acknowledged", label: "Acknowledged", filters: { statuses: ["acknowledged"] } },
  { key: "all", label: "All", filters: {} },
];

export class VlmGuardReview extends LitElement {
  static properties = {
    hass: { attribute: false },
    cameras: { attribute: false },
    _tab: { state: true },
    _camera: { state: true },
    _day: { state: true },
    _incidents: { state: true },
    _total: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _open: { state: true },
    _notice: { state: true },
  };

  constructor() {
    super();
    this.cameras = [];
    this._tab = "needs";
    this._camera = "";
    this._day = "";
    this._incidents = [];
    this._total = 0;
    this._loading = false;
    this._error = null;
    this._open = null;
    this._notice = null;
    this._request = 0;
  }

  /** Show one camera's incidents (from the Cameras page). */
  showCamera(camera) {
    this._camera = camera || "";
    this._tab = "all";
    this._open = null;
    this._load();
  }

  /** Open one incident's detail (from the Rules page). */
  openIncident(incidentId) {
    this._open = { id: incidentId };
  }

  firstUpdated() {
    this._load();
  }

  _filters(offset) {
    const tab = REVIEW_TABS.find((t) => t.key === this._tab) || REVIEW_TABS[0];
    const filters = { ...tab.filters, limit: PAGE, offset };
    if (this._camera) filters.camera = this._camera;
    const bounds = dayBounds(this._day);
    if (bounds) Object.assign(filters, bounds);
    return filters;
  }

  async _load(more = false) {
    const request = ++this._request;
    const offset = more ? this._incidents.length : 0;
    this._loading = true;
    this._error = null;
    try {
      const result = await listIncidents(this.hass, this._filters(offset));
      if (request !== this._request) return;
      const incidents = (result && result.incidents) || [];
      this._incidents = more ? [...this._incidents, ...incidents] : incidents;
      this._total = (result && result.total) || 0;
    } catch (err) {
      if (request !== this._request) return;
      this._error = errorText(err);
      if (!more) this._incidents = [];
    } finally {
      if (request === this._request) this._loading = false;
    }
  }

  _setTab(key) {
    this._tab = key;
    this._notice = null;
    this._load();
  }

  _cameraName(id) {
    const camera = (this.cameras || []).find((c) => c.id === id);
    return camera ? camera.name : id;
  }

  _onReviewed(ev) {
    this._open = null;
    this._notice = ev.detail.message;
    this._load();
  }

  render() {
    if (this._open) {
      return html`<vlm-guard-incident-detail
        .hass=${this.hass}
        .incidentId=${this._open.id}
        .incident=${this._open.incident || null}
        .cameraName=${(id) => this._cameraName(id)}
        @close-incident=${() => (this._open = null)}
        @incident-reviewed=${this._onReviewed}
      ></vlm-guard-incident-detail>`;
    }
    return html`
      <div class="tabs" role="tablist">
        ${REVIEW_TABS.map(
          (tab) => html`<button
            role="tab"
            class="tab ${tab.key === this._tab ? "active" : ""}"
            aria-selected=${tab.key === this._tab ? "true" : "false"}
            data-testid="review-tab-${tab.key}"
            @click=${() => this._setTab(tab.key)}
          >
            ${tab.label}
          </button>`,
        )}
      </div>
      <div class="row filters">
        <label class="field">
          Camera
          <select
            .value=${this._camera}
            @change=${(ev) => {
              this._camera = ev.target.value;
              this._load();
            }}
          >
            <option value="" ?selected=${!this._camera}>All cameras</option>
            ${(this.cameras || []).map(
              (c) => html`<option value=${c.id} ?selected=${c.id === this._camera}>${c.name}</option>`,
            )}
          </select>
        </label>
        <label class="field">
          Day
          <input
            type="date"
            .value=${this._day}
            @change=${(ev) => {
              this._day = ev.target.value;
              this._load();
            }}
          />
        </label>
        ${this._day
          ? html`<button
              class="plain"
              @click=${() => {
                this._day = "";
                this._load();
              }}
            >
              Any day
            </button>`
          : nothing}
        <span class="count secondary">
          ${this._loading ? "Loading…" : `${this._total} incident${this._total === 1 ? "" : "s"}`}
        </span>
        <button class="plain" @click=${() => this._load()}>Refresh</button>
      </div>
      ${this._notice ? html`<div class="message ok">${this._notice}</div>` : nothing}
      ${this._error ? html`<div class="message error">${this._error}</div>` : nothing}
      <div class="card list">
        ${this._incidents.length
          ? this._incidents.map((incident) => this._renderRow(incident))
          : html`<div class="empty">${this._loading ? "Loading…" : "Nothing here."}</div>`}
      </div>
      ${this._incidents.length < this._total
        ? html`<div class="more">
            <button ?disabled=${this._loading} @click=${() => this._load(true)}>
              Show more (${this._total - this._incidents.length} left)
            </button>
          </div>`
        : nothing}
    `;
  }

  _renderRow(incident) {
    const thumb = thumbnail(incident);
    const open = () => (this._open = { id: incident.id, incident });
    return html`<div
      class="incident"
      data-testid="incident-row"
      data-incident-id=${incident.id}
      role="button"
      tabindex="0"
      @click=${open}
      @keydown=${(ev) => (ev.key === "Enter" || ev.key === " ") && open()}
    >
      ${thumb
        ? html`<img class="thumb" src=${thumb} alt="" loading="lazy" />`
        : html`<div class="thumb none">No picture</div>`}
      <div class="text">
        <div class="meta">
          <span class="time">${shortTime(this.hass, incident.started)}</span>
          <span class="secondary">${incident.camera_name || this._cameraName(incident.camera)}</span>
          ${incident.alerts > 1 ? html`<span class="secondary">· ${incident.alerts} alerts</span>` : nothing}
        </div>
        <div class="description">${incident.description || "(no description)"}</div>
        <div class="row badges">${incidentBadges(incident)}</div>
      </div>
    </div>`;
  }

  static styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .tabs {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        margin-bottom: 12px;
      }
      .tab {
        border-color: var(--divider-color, #ccc);
        color: var(--primary-text-color, #212121);
        min-height: 32px;
        padding: 0 14px;
      }
      .tab.active {
        background: var(--primary-color, #03a9f4);
        border-color: var(--primary-color, #03a9f4);
        color: var(--text-primary-color, #fff);
      }
      .filters {
        margin-bottom: 12px;
        align-items: flex-end;
      }
      .count {
        margin-left: auto;
        align-self: center;
      }
      .incident {
        display: flex;
        gap: 12px;
        padding: 10px 12px;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
        cursor: pointer;
        align-items: flex-start;
      }
      .incident:last-child {
        border-bottom: none;
      }
      .incident:hover,
      .incident:focus-visible {
        background: var(--secondary-background-color, #f5f5f5);
        outline: none;
      }
      .text {
        min-width: 0;
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: baseline;
      }
      .time {
        font-weight: 500;
      }
      .description {
        overflow-wrap: anywhere;
      }
      .badges {
        gap: 4px;
      }
      .more {
        text-align: center;
        margin: 12px 0;
      }
    `,
  ];
}

if (!customElements.get("vlm-guard-review")) {
  customElements.define("vlm-guard-review", VlmGuardReview);
}

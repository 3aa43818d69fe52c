// Lovelace card custom:vlm-guard-incidents-card: a camera's latest incidents with pictures.
import { LitElement, css, html, nothing } from "lit";

import { errorText, getCameras, listIncidents } from "./api.js";
import { STATUS_NAMES, shortTime, thumbnail } from "./format.js";
import { shared } from "./styles.js";

const CARD = "vlm-guard-incidents-card";
const REFRESH_MS = 10000;
const MAX_COUNT = 50;

/** Check a card configuration; throw an Error that says what to fix. */
export function checkConfig(config) {
  if (!config || typeof config !== "object" || Array.isArray(config)) {
    throw new Error("Invalid configuration: expected an object");
  }
  if (typeof config.camera !== "string" || !config.camera.trim()) {
    throw new Error(
      "Set 'camera' to a VLM Guard camera: its id (from Settings → Devices & services) or one of its entity ids",
    );
  }
  const count = config.count === undefined ? 5 : config.count;
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new Error(`'count' must be a whole number from 1 to ${MAX_COUNT}`);
  }
  if (config.title !== undefined && typeof config.title !== "string") {
    throw new Error("'title' must be text");
  }
  return { ...config, camera: config.camera.trim(), count };
}

export class VlmGuardIncidentsCard extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
    _incidents: { state: true },
    _cameraName: { state: true },
    _error: { state: true },
    _loaded: { state: true },
  };

  constructor() {
    super();
    this._config = null;
    this._incidents = [];
    this._cameraName = null;
    this._error = null;
    this._loaded = false;
    this._camera = null;
    this._last = 0;
    this._loading = false;
    this._timer = undefined;
  }

  setConfig(config) {
    this._config = checkConfig(config);
    this._camera = null;
    this._last = 0;
    this._loaded = false;
    this._incidents = [];
    this._error = null;
    if (this.hass) this._refresh();
  }

  getCardSize() {
    return 1 + (this._config ? this._config.count : 5);
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6 };
  }

  static getStubConfig(hass) {
    const entities = (hass && hass.entities) || {};
    const alert = Object.keys(entities)
      .sort()
      .find((id) => entities[id].platform === "vlm_guard" && /^binary_sensor\..*_alert$/.test(id));
    return { camera: alert || "", count: 5 };
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this._timer);
    this._timer = undefined;
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.hass && this._config) this._schedule();
  }

  willUpdate(changed) {
    if (changed.has("hass") && this.hass && this._config) this._schedule();
  }

  /** Refresh now if the last refresh is 10 s old, else once that time has come. */
  _schedule() {
    const wait = this._last + REFRESH_MS - Date.now();
    if (wait <= 0) {
      this._refresh();
    } else if (this._timer === undefined && this.isConnected) {
      this._timer = setTimeout(() => {
        this._timer = undefined;
        this._refresh();
      }, wait);
    }
  }

  /** The camera's subentry id: the configured one, or the camera an entity belongs to. */
  async _resolveCamera() {
    const wanted = this._config.camera;
    if (!wanted.includes(".")) {
      // A subentry id: the cameras list only gives its name, so a failure there is no error.
      try {
        const result = await getCameras(this.hass);
        const camera = ((result && result.cameras) || []).find((c) => c.id === wanted);
        if (camera) this._cameraName = camera.name;
      } catch {
        // The incidents call below reports what is wrong, if anything.
      }
      return wanted;
    }
    const result = await getCameras(this.hass);
    const cameras = (result && result.cameras) || [];
    const owns = (camera, entityId) => Object.values(camera.entities || {}).includes(entityId);
    let found = cameras.find((camera) => owns(camera, wanted));
    const registry = this.hass.entities || {};
    const device = registry[wanted] && registry[wanted].device_id;
    if (!found && device) {
      found = cameras.find((camera) =>
        Object.values(camera.entities || {}).some((id) => registry[id] && registry[id].device_id === device),
      );
    }
    if (!found) throw new Error(`${wanted} is not an entity of a VLM Guard camera`);
    this._cameraName = found.name;
    return found.id;
  }

  async _refresh() {
    if (this._loading || !this._config || !this.hass) return;
    this._loading = true;
    this._last = Date.now();
    const config = this._config;
    try {
      if (!this._camera) this._camera = await this._resolveCamera();
      const result = await listIncidents(this.hass, {
        camera: this._camera,
        limit: config.count,
        offset: 0,
      });
      if (config !== this._config) return;
      this._incidents = (result && result.incidents) || [];
      if (this._incidents.length) this._cameraName = this._incidents[0].camera_name || this._cameraName;
      this._error = null;
    } catch (err) {
      if (config === this._config) this._error = errorText(err);
    } finally {
      this._loading = false;
      this._loaded = true;
    }
  }

  render() {
    if (!this._config) return nothing;
    const title =
      this._config.title !== undefined
        ? this._config.title
        : this._cameraName
          ? `${this._cameraName}: incidents`
          : "VLM Guard incidents";
    return html`<div class="card" data-testid="incidents-card">
      ${title ? html`<h1 class="card-header">${title}</h1>` : nothing}
      <div class="card-content">
        ${this._error
          ? html`<div class="message error">Could not load the incidents: ${this._error}</div>`
          : nothing}
        ${this._incidents.map((incident) => this._renderIncident(incident))}
        ${this._loaded && !this._error && !this._incidents.length
          ? html`<div class="empty">No incidents kept for this camera.</div>`
          : nothing}
        ${this._loaded ? nothing : html`<div class="empty">Loading…</div>`}
      </div>
    </div>`;
  }

  _renderIncident(incident) {
    const thumb = thumbnail(incident);
    const urls = incident.urls || {};
    const full = urls.best || urls.first;
    const picture = thumb
      ? html`<img class="thumb" src=${thumb} alt="" loading="lazy" />`
      : html`<div class="thumb none">No picture</div>`;
    return html`<div class="incident" data-testid="card-incident" data-incident-id=${incident.id}>
      ${full ? html`<a href=${full} target="_blank" rel="noopener">${picture}</a>` : picture}
      <div class="text">
        <div class="meta">
          <span class="time">${shortTime(this.hass, incident.started)}</span>
          ${incident.status && incident.status !== "new"
            ? html`<span class="badge ${incident.status}">${STATUS_NAMES[incident.status] || incident.status}</span>`
            : nothing}
          ${incident.ended ? nothing : html`<span class="badge alert">Ongoing</span>`}
        </div>
        <div class="description">${incident.description || "(no description)"}</div>
      </div>
    </div>`;
  }

  static styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .card {
        height: 100%;
      }
      .card-header {
        font-size: 24px;
        font-weight: 400;
        line-height: 32px;
        margin: 0;
        padding: 16px 16px 8px;
        color: var(--ha-card-header-color, var(--primary-text-color, #212121));
      }
      .card-content {
        padding: 0 16px 12px;
      }
      .card-header + .card-content {
        padding-top: 0;
      }
      h1 + .card-content:empty {
        display: none;
      }
      .incident {
        display: flex;
        gap: 12px;
        align-items: flex-start;
        padding: 8px 0;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
      }
      .incident:last-of-type {
        border-bottom: none;
      }
      .incident a {
        display: block;
        flex: none;
      }
      .text {
        min-width: 0;
        flex: 1;
      }
      .meta {
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      .time {
        font-weight: 500;
      }
      .description {
        margin-top: 2px;
        overflow-wrap: anywhere;
        display: -webkit-box;
        -webkit-line-clamp: 3;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .empty {
        padding: 12px 0;
      }
    `,
  ];
}

if (!customElements.get(CARD)) customElements.define("vlm-guard-incidents-card", VlmGuardIncidentsCard);

window.customCards = window.customCards || [];
if (!window.customCards.some((card) => card.type === CARD)) {
  window.customCards.push({
    type: "vlm-guard-incidents-card",
    name: "VLM Guard incidents",
    description: "The latest incidents of a VLM Guard camera: picture, time and what the VLM saw.",
    preview: false,
  });
}

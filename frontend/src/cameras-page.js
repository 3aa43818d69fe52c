// The Cameras page: one card per camera with its current picture, state, health and last incident.
import { LitElement, css, html, nothing } from "lit";

import { errorText, getFrame } from "./api.js";
import { shortTime, thumbnail } from "./format.js";
import { shared } from "./styles.js";

const REFRESH_MS = 10000;

export function cameraState(hass, camera, now = new Date()) {
  if (!camera.armed) return { text: "Disarmed", kind: "" };
  const until = camera.snoozed_until ? new Date(camera.snoozed_until) : null;
  if (until && until > now) return { text: `Snoozed until ${shortTime(hass, until, now)}`, kind: "" };
  return { text: "Armed", kind: "ok" };
}

export class VlmGuardCameras extends LitElement {
  static properties = {
    hass: { attribute: false },
    cameras: { attribute: false },
    _frames: { state: true },
  };

  constructor() {
    super();
    this.cameras = [];
    this._frames = {};
    this._timer = undefined;
    this._busy = false;
    this._onVisibility = () => {
      if (document.visibilityState === "visible") this._tick();
    };
  }

  connectedCallback() {
    super.connectedCallback();
    this._timer = setInterval(() => this._tick(), REFRESH_MS);
    document.addEventListener("visibilitychange", this._onVisibility);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this._timer);
    this._timer = undefined;
    document.removeEventListener("visibilitychange", this._onVisibility);
  }

  firstUpdated() {
    this._loadFrames();
  }

  updated(changed) {
    // Cameras that appear after the first load get their picture at once.
    if (changed.has("cameras") && this.cameras.some((c) => !(c.id in this._frames))) {
      this._loadFrames();
    }
  }

  _tick() {
    if (document.visibilityState !== "visible" || !this.isConnected) return;
    this.dispatchEvent(new CustomEvent("refresh-cameras", { bubbles: true, composed: true }));
    this._loadFrames();
  }

  async _loadFrames() {
    if (this._busy || !this.hass) return;
    this._busy = true;
    try {
      // One after the other: a frame is a whole JPEG over the websocket.
      for (const camera of this.cameras || []) {
        let entry;
        try {
          const frame = await getFrame(this.hass, camera.id);
          entry = { image: frame.image, time: new Date(), error: null };
        } catch (err) {
          const previous = this._frames[camera.id] || {};
          entry = { image: previous.image || null, time: previous.time, error: errorText(err) };
        }
        this._frames = { ...this._frames, [camera.id]: entry };
      }
    } finally {
      this._busy = false;
    }
  }

  _open(kind, camera) {
    this.dispatchEvent(
      new CustomEvent(kind, { detail: { camera: camera.id }, bubbles: true, composed: true }),
    );
  }

  render() {
    const cameras = this.cameras || [];
    if (!cameras.length) {
      return html`<div class="empty">No cameras yet. Add one to VLM Guard in Settings → Devices &amp; services.</div>`;
    }
    return html`<div class="grid">${cameras.map((camera) => this._renderCamera(camera))}</div>`;
  }

  _renderPicture(camera) {
    const frame = this._frames[camera.id];
    if (frame && frame.image) {
      return html`<div class="picture">
        <img src=${frame.image} alt="Current picture of ${camera.name}" />
        ${frame.error
          ? html`<span class="stale" title=${frame.error}>Picture from ${shortTime(this.hass, frame.time)}</span>`
          : nothing}
      </div>`;
    }
    const text = frame ? frame.error || "No picture yet" : "Loading picture…";
    return html`<div class="picture none"><span>${text}</span></div>`;
  }

  _renderCamera(camera) {
    const state = cameraState(this.hass, camera);
    const last = camera.last_incident;
    const thumb = last ? thumbnail(last) : null;
    return html`<div class="card camera" data-testid="camera-card" data-camera-id=${camera.id}>
      ${this._renderPicture(camera)}
      <div class="body">
        <div class="title-row">
          <h2>${camera.name}</h2>
          <span class="badge ${state.kind}">${state.text}</span>
          ${camera.alert_on ? html`<span class="badge alert">Alert</span>` : nothing}
        </div>
        <div class="health">
          <span class="dot ${camera.stream_connected ? "up" : "down"}"></span>
          ${camera.stream_connected ? "Stream connected" : "Stream disconnected"}
        </div>
        ${camera.problem ? html`<div class="error problem">${camera.problem}</div>` : nothing}
        <div class="last">
          ${last
            ? html`${thumb
                  ? html`<img class="thumb" src=${thumb} alt="" loading="lazy" />`
                  : html`<div class="thumb none">No picture</div>`}
                <div class="last-text">
                  <div class="secondary">Last incident · ${shortTime(this.hass, last.started)}</div>
                  <div class="description">${last.description || "(no description)"}</div>
                </div>`
            : html`<div class="secondary">No incident kept yet</div>`}
        </div>
        <div class="row actions">
          <button data-testid="open-zones" @click=${() => this._open("open-zones", camera)}>
            Zones
          </button>
          <button class="plain" @click=${() => this._open("open-incidents", camera)}>
            Incidents
          </button>
        </div>
      </div>
    </div>`;
  }

  static styles = [
    shared,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 320px), 1fr));
        gap: 16px;
      }
      .camera {
        display: flex;
        flex-direction: column;
      }
      .picture {
        position: relative;
        aspect-ratio: 16 / 9;
        background: #000;
      }
      .picture img {
        width: 100%;
        height: 100%;
        object-fit: contain;
        display: block;
      }
      .picture.none {
        display: flex;
        align-items: center;
        justify-content: center;
        padding: 16px;
        text-align: center;
        background: var(--secondary-background-color, #e5e5e5);
        color: var(--secondary-text-color, #727272);
      }
      .stale {
        position: absolute;
        left: 8px;
        bottom: 8px;
        font-size: 12px;
        padding: 2px 6px;
        border-radius: 4px;
        background: rgba(0, 0, 0, 0.6);
        color: #fff;
      }
      .body {
        padding: 12px 16px 16px;
        display: flex;
        flex-direction: column;
        gap: 8px;
        flex: 1;
      }
      .title-row {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
      }
      h2 {
        font-size: 18px;
        font-weight: 500;
        margin: 0;
        margin-right: auto;
      }
      .health {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .dot {
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--error-color, #db4437);
      }
      .dot.up {
        background: var(--success-color, #43a047);
      }
      .last {
        display: flex;
        gap: 10px;
        align-items: flex-start;
        min-height: 54px;
      }
      .last-text {
        min-width: 0;
      }
      .description {
        overflow-wrap: anywhere;
      }
      .actions {
        margin-top: auto;
        padding-top: 4px;
      }
    `,
  ];
}

if (!customElements.get("vlm-guard-cameras")) {
  customElements.define("vlm-guard-cameras", VlmGuardCameras);
}

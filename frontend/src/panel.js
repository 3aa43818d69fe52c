// The VLM Guard sidebar panel: Cameras (with the zone editor), Review and Rules.
import { LitElement, css, html, nothing } from "lit";

import { errorText, getCameras } from "./api.js";
import "./cameras-page.js";
import "./review-page.js";
import "./rules-page.js";
import { shared } from "./styles.js";
import "./zone-editor.js";

const MENU_ICON = "M3,6H21V8H3V6M3,11H21V13H3V11M3,16H21V18H3V16Z";

const TABS = [
  { key: "cameras", label: "Cameras" },
  { key: "review", label: "Review" },
  { key: "rules", label: "Rules" },
];

export class VlmGuardPanel extends LitElement {
  static properties = {
    hass: { attribute: false },
    narrow: { type: Boolean },
    route: { attribute: false },
    panel: { attribute: false },
    _page: { state: true },
    _zoneCamera: { state: true },
    _cameras: { state: true },
    _loaded: { state: true },
    _error: { state: true },
  };

  constructor() {
    super();
    this.narrow = false;
    this._page = "cameras";
    this._zoneCamera = null;
    this._cameras = [];
    this._loaded = false;
    this._error = null;
    this._loading = null;
  }

  willUpdate(changed) {
    if (changed.has("hass") && this.hass && !this._loaded && !this._loading) this._loadCameras();
  }

  async _loadCameras() {
    if (this._loading) return this._loading;
    this._loading = (async () => {
      try {
        const result = await getCameras(this.hass);
        this._cameras = (result && result.cameras) || [];
        this._error = null;
      } catch (err) {
        this._error = errorText(err);
      } finally {
        this._loaded = true;
        this._loading = null;
      }
    })();
    return this._loading;
  }

  _toggleMenu() {
    this.dispatchEvent(new CustomEvent("hass-toggle-menu", { bubbles: true, composed: true }));
  }

  _show(page) {
    this._page = page;
    if (page === "cameras") this._loadCameras();
  }

  async _showReview(call) {
    this._page = "review";
    await this.updateComplete;
    const review = this.renderRoot.querySelector("vlm-guard-review");
    if (review) call(review);
  }

  render() {
    const showMenu = this.narrow || (this.hass && this.hass.dockedSidebar === "always_hidden");
    const tab = this._page === "zones" ? "cameras" : this._page;
    return html`
      <div class="header">
        <div class="toolbar">
          ${showMenu
            ? html`<button class="menu" title="Menu" aria-label="Menu" @click=${this._toggleMenu}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${MENU_ICON}></path></svg>
              </button>`
            : nothing}
          <div class="main-title">VLM Guard</div>
        </div>
        <nav class="tabs" role="tablist">
          ${TABS.map(
            (t) => html`<button
              role="tab"
              class="tab ${t.key === tab ? "active" : ""}"
              aria-selected=${t.key === tab ? "true" : "false"}
              data-testid="tab-${t.key}"
              @click=${() => this._show(t.key)}
            >
              ${t.label}
            </button>`,
          )}
        </nav>
      </div>
      <div class="content ${this.narrow ? "narrow" : ""}">
        ${this._error ? html`<div class="message error">${this._error}</div>` : nothing}
        ${this._renderPage()}
      </div>
    `;
  }

  _renderPage() {
    if (!this._loaded) return html`<div class="empty">Loading…</div>`;
    // Without the camera list (not an administrator, integration not loaded) the error says it all.
    if (this._error && !this._cameras.length && this._page === "cameras") return nothing;
    switch (this._page) {
      case "zones": {
        const camera = this._cameras.find((c) => c.id === this._zoneCamera);
        if (!camera) return html`<div class="empty">This camera is gone.</div>`;
        return html`<vlm-guard-zone-editor
          .hass=${this.hass}
          .camera=${camera}
          @close-zones=${() => this._show("cameras")}
          @zones-saved=${() => this._loadCameras()}
        ></vlm-guard-zone-editor>`;
      }
      case "review":
        return html`<vlm-guard-review .hass=${this.hass} .cameras=${this._cameras}></vlm-guard-review>`;
      case "rules":
        return html`<vlm-guard-rules
          .hass=${this.hass}
          .cameras=${this._cameras}
          @open-incident=${(ev) => this._showReview((review) => review.openIncident(ev.detail.incident))}
        ></vlm-guard-rules>`;
      default:
        return html`<vlm-guard-cameras
          .hass=${this.hass}
          .cameras=${this._cameras}
          @refresh-cameras=${() => this._loadCameras()}
          @open-zones=${(ev) => {
            this._zoneCamera = ev.detail.camera;
            this._page = "zones";
          }}
          @open-incidents=${(ev) => this._showReview((review) => review.showCamera(ev.detail.camera))}
        ></vlm-guard-cameras>`;
    }
  }

  static styles = [
    shared,
    css`
      :host {
        display: block;
        height: 100%;
        background: var(--primary-background-color, #fafafa);
        overflow: hidden;
        position: relative;
      }
      .header {
        background: var(--app-header-background-color, var(--primary-color, #03a9f4));
        color: var(--app-header-text-color, var(--text-primary-color, #fff));
        border-bottom: var(--app-header-border-bottom, none);
        position: relative;
        z-index: 2;
      }
      .toolbar {
        height: var(--header-height, 56px);
        display: flex;
        align-items: center;
        padding: 0 12px;
        font-size: 20px;
        font-weight: 400;
        box-sizing: border-box;
      }
      .main-title {
        margin-left: 12px;
        line-height: 20px;
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
      .menu {
        width: 48px;
        height: 48px;
        min-height: 48px;
        padding: 12px;
        border: none;
        border-radius: 50%;
        color: inherit;
        margin-left: -4px;
        margin-right: -12px;
      }
      .menu svg {
        width: 24px;
        height: 24px;
        fill: currentColor;
        display: block;
      }
      .tabs {
        display: flex;
        padding: 0 8px;
        overflow-x: auto;
      }
      .tab {
        border: none;
        border-radius: 0;
        color: inherit;
        opacity: 0.75;
        min-height: 44px;
        padding: 0 20px;
        border-bottom: 2px solid transparent;
        text-transform: uppercase;
        letter-spacing: 0.05em;
        font-size: 13px;
      }
      .tab.active {
        opacity: 1;
        border-bottom-color: currentColor;
      }
      .content {
        height: calc(100% - var(--header-height, 56px) - 46px);
        overflow-y: auto;
        padding: 16px;
      }
      .content.narrow {
        padding: 8px;
      }
    `,
  ];
}

if (!customElements.get("vlm-guard-panel")) customElements.define("vlm-guard-panel", VlmGuardPanel);

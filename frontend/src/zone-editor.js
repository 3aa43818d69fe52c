// The zone editor: polygons drawn over the camera's current picture, previewed and saved.
import { LitElement, css, html, nothing, svg } from "lit";

import { errorText, getFrame, previewZones, saveZones } from "./api.js";
import { fraction, freshName, inside, insertionIndex, labelPoint } from "./geometry.js";
import { shared } from "./styles.js";

const copyZones = (zones) =>
  (zones || []).map((zone) => ({
    name: zone.name,
    type: zone.type === "include" ? "include" : "exclude",
    points: (zone.points || []).map(([x, y]) => [Number(x), Number(y)]),
  }));

export class VlmGuardZoneEditor extends LitElement {
  static properties = {
    hass: { attribute: false },
    camera: { attribute: false },
    _zones: { state: true },
    _selected: { state: true },
    _point: { state: true },
    _drawing: { state: true },
    _frame: { state: true },
    _frameError: { state: true },
    _size: { state: true },
    _boxes: { state: true },
    _error: { state: true },
    _saved: { state: true },
    _busy: { state: true },
    _dirty: { state: true },
  };

  constructor() {
    super();
    this._zones = [];
    this._selected = -1;
    this._point = -1;
    this._drawing = false;
    this._frame = null;
    this._frameError = null;
    this._size = { w: 0, h: 0 };
    this._boxes = null;
    this._error = null;
    this._saved = false;
    this._busy = null;
    this._dirty = false;
    this._cameraId = null;
    this._drag = null;
    this._downOnHandle = false;
    this._resize = new ResizeObserver((entries) => {
      const rect = entries[entries.length - 1].contentRect;
      this._size = { w: rect.width, h: rect.height };
    });
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._resize.disconnect();
  }

  connectedCallback() {
    super.connectedCallback();
    const stage = this.renderRoot && this.renderRoot.querySelector && this.renderRoot.querySelector(".stage");
    if (stage) this._resize.observe(stage);
  }

  firstUpdated() {
    this._resize.observe(this.renderRoot.querySelector(".stage"));
  }

  willUpdate(changed) {
    if (changed.has("camera") && this.camera && this.camera.id !== this._cameraId) {
      this._cameraId = this.camera.id;
      this._reset();
      this._loadFrame();
    }
  }

  _reset() {
    this._zones = copyZones(this.camera.zones);
    this._selected = -1;
    this._point = -1;
    this._drawing = false;
    this._boxes = null;
    this._error = null;
    this._saved = false;
    this._dirty = false;
  }

  async _loadFrame() {
    const id = this.camera.id;
    this._frameError = null;
    try {
      const frame = await getFrame(this.hass, id);
      if (this.camera && this.camera.id === id) this._frame = frame;
    } catch (err) {
      if (this.camera && this.camera.id === id) {
        this._frame = null;
        this._frameError = errorText(err);
      }
    }
  }

  /** The picture's size in pixels as the camera sends it (for the aspect ratio and boxes). */
  _frameSize() {
    if (this._frame && this._frame.width && this._frame.height) {
      return [this._frame.width, this._frame.height];
    }
    const size = this.camera && this.camera.frame_size;
    if (Array.isArray(size) && size[0] && size[1]) return size;
    return [16, 9];
  }

  // ---- editing -------------------------------------------------------------

  _edit(change) {
    const zones = copyZones(this._zones);
    change(zones);
    this._zones = zones;
    this._dirty = true;
    this._saved = false;
    this._boxes = null;
  }

  _select(index) {
    if (index !== this._selected) this._drawing = false;
    this._selected = index;
    this._point = -1;
  }

  _newZone() {
    const name = freshName(this._zones);
    this._edit((zones) => zones.push({ name, type: "exclude", points: [] }));
    this._error = null;
    this._selected = this._zones.length - 1;
    this._point = -1;
    this._drawing = true;
  }

  _deleteZone() {
    if (this._selected < 0) return;
    const index = this._selected;
    this._edit((zones) => zones.splice(index, 1));
    this._error = null;
    this._select(-1);
  }

  _deletePoint() {
    if (this._selected < 0 || this._point < 0) return;
    const [zone, point] = [this._selected, this._point];
    this._edit((zones) => zones[zone].points.splice(point, 1));
    this._point = -1;
  }

  _setField(field, value) {
    if (this._selected < 0) return;
    const index = this._selected;
    this._edit((zones) => {
      zones[index][field] = value;
    });
  }

  _revert() {
    this._reset();
  }

  _eventPoint(ev) {
    const rect = ev.currentTarget.getBoundingClientRect();
    if (!rect.width || !rect.height) return null;
    return [
      fraction((ev.clientX - rect.left) / rect.width),
      fraction((ev.clientY - rect.top) / rect.height),
    ];
  }

  _onPointerDown(ev) {
    const index = ev.target.dataset ? ev.target.dataset.point : undefined;
    this._downOnHandle = index !== undefined;
    if (!this._downOnHandle || this._selected < 0) return;
    ev.preventDefault();
    this._point = Number(index);
    this._drag = { pointerId: ev.pointerId, point: Number(index), edited: false };
    ev.currentTarget.setPointerCapture(ev.pointerId);
  }

  _onPointerMove(ev) {
    const drag = this._drag;
    if (!drag || drag.pointerId !== ev.pointerId) return;
    const point = this._eventPoint(ev);
    if (!point) return;
    const zone = this._selected;
    if (!drag.edited) {
      // One copy per drag: later moves change the copy in place.
      this._edit(() => {});
      drag.edited = true;
    }
    this._zones[zone].points[drag.point] = point;
    this.requestUpdate("_zones");
  }

  _onPointerUp(ev) {
    if (this._drag && this._drag.pointerId === ev.pointerId) this._drag = null;
  }

  _onClick(ev) {
    if (this._downOnHandle) {
      this._downOnHandle = false;
      return;
    }
    const point = this._eventPoint(ev);
    if (!point) return;
    if (this._selected < 0) {
      // Nothing selected: a click picks the zone under it (the topmost).
      for (let i = this._zones.length - 1; i >= 0; i--) {
        if (this._zones[i].points.length >= 3 && inside(point, this._zones[i].points)) {
          this._select(i);
          return;
        }
      }
      return;
    }
    const zone = this._selected;
    const points = this._zones[zone].points;
    const at = this._drawing
      ? points.length
      : insertionIndex(points, point, [this._size.w || 1, this._size.h || 1]);
    this._edit((zones) => zones[zone].points.splice(at, 0, point));
    this._point = at;
  }

  // ---- server --------------------------------------------------------------

  async _preview() {
    this._busy = "preview";
    this._saved = false;
    try {
      const result = await previewZones(this.hass, this.camera.id, this._zones);
      if (result && result.error) {
        this._fail(result.error, result.zone);
        this._boxes = null;
      } else {
        this._error = null;
        this._boxes = {
          boxes: (result && result.boxes) || [],
          width: result && result.width,
          height: result && result.height,
        };
      }
    } catch (err) {
      this._fail(errorText(err), null);
    } finally {
      this._busy = null;
    }
  }

  async _save() {
    this._busy = "save";
    this._saved = false;
    try {
      const result = await saveZones(this.hass, this.camera.id, this._zones);
      if (result && result.saved) {
        this._error = null;
        this._zones = copyZones(result.zones || this._zones);
        this._dirty = false;
        this._saved = true;
        this._drawing = false;
        this.dispatchEvent(
          new CustomEvent("zones-saved", {
            detail: { camera: this.camera.id, zones: this._zones },
            bubbles: true,
            composed: true,
          }),
        );
      } else {
        this._fail((result && result.error) || "The zones were not saved", result && result.zone);
      }
    } catch (err) {
      this._fail(errorText(err), null);
    } finally {
      this._busy = null;
    }
  }

  _fail(message, zone) {
    const index = Number.isInteger(zone) && zone >= 0 && zone < this._zones.length ? zone : null;
    this._error = { message, zone: index };
    if (index !== null) this._select(index);
  }

  _back() {
    this.dispatchEvent(new CustomEvent("close-zones", { bubbles: true, composed: true }));
  }

  // ---- drawing -------------------------------------------------------------

  _xy([x, y]) {
    return [x * this._size.w, y * this._size.h];
  }

  _renderZone(zone, index) {
    const selected = index === this._selected;
    const faulty = this._error && this._error.zone === index;
    const classes = `zone ${zone.type}${selected ? " selected" : ""}${faulty ? " faulty" : ""}`;
    const points = zone.points.map((p) => this._xy(p).join(",")).join(" ");
    let shape;
    if (zone.points.length >= 3 && !(selected && this._drawing)) {
      shape = svg`<polygon class=${classes} points=${points}></polygon>`;
    } else if (zone.points.length >= 2) {
      // Still being drawn: the outline so far, and a dashed edge that will close it.
      const first = this._xy(zone.points[0]);
      const last = this._xy(zone.points[zone.points.length - 1]);
      shape = svg`<polygon class="${classes} drawing" points=${points}></polygon>
        <line class="closing" x1=${last[0]} y1=${last[1]} x2=${first[0]} y2=${first[1]}></line>`;
    } else {
      shape = nothing;
    }
    const [lx, ly] = this._xy(labelPoint(zone.points));
    const label = zone.points.length
      ? svg`<text class="label ${faulty ? "faulty" : ""}" x=${lx} y=${ly}>${faulty ? "⚠ " : ""}${zone.name}</text>`
      : nothing;
    return svg`<g>${shape}${label}</g>`;
  }

  _renderHandles() {
    if (this._selected < 0 || !this._zones[this._selected]) return nothing;
    return this._zones[this._selected].points.map((p, index) => {
      const [x, y] = this._xy(p);
      const selected = index === this._point;
      return svg`<g class="handle-group">
        <circle class="handle ${selected ? "selected" : ""}" cx=${x} cy=${y} r=${selected ? 9 : 7}></circle>
        <circle class="hit" data-point=${index} cx=${x} cy=${y} r="18"></circle>
      </g>`;
    });
  }

  _renderBoxes() {
    if (!this._boxes || !this._boxes.boxes.length) return nothing;
    const [fw, fh] = this._frameSize();
    const sx = this._size.w / (this._boxes.width || fw);
    const sy = this._size.h / (this._boxes.height || fh);
    return this._boxes.boxes.map(
      ([x, y, w, h]) =>
        svg`<rect class="box" x=${x * sx} y=${y * sy} width=${w * sx} height=${h * sy}></rect>`,
    );
  }

  _hint() {
    if (this._selected < 0) {
      return this._zones.length
        ? "Pick a zone in the list or on the picture, or start a new one."
        : "No zones: motion anywhere in the picture counts. Press “New zone” to draw one.";
    }
    const zone = this._zones[this._selected];
    if (this._drawing) {
      const left = Math.max(0, 3 - zone.points.length);
      return left
        ? `Click the picture to add the corners of “${zone.name}” (${left} more at least).`
        : `Click to add more corners of “${zone.name}”, or press Finish.`;
    }
    return `Drag a corner of “${zone.name}” to move it; click the picture to add a corner on the nearest edge.`;
  }

  render() {
    if (!this.camera) return nothing;
    const [fw, fh] = this._frameSize();
    const zone = this._selected >= 0 ? this._zones[this._selected] : null;
    const editing = this._selected >= 0;
    return html`
      <div class="header">
        <button class="plain" @click=${this._back}>← Cameras</button>
        <h2>Zones · ${this.camera.name}</h2>
        ${this._dirty ? html`<span class="badge new">Not saved</span>` : nothing}
      </div>
      <div class="layout">
        <div class="picture-column">
          <div class="stage" style="aspect-ratio: ${fw} / ${fh}; max-width: min(100%, calc(70vh * ${fw / fh}))">
            ${this._frame
              ? html`<img src=${this._frame.image} alt="Current picture of ${this.camera.name}" draggable="false" />`
              : html`<div class="no-picture">
                  ${this._frameError ? html`No picture: ${this._frameError}` : "Loading picture…"}
                </div>`}
            <svg
              data-testid="zone-picture"
              class="overlay ${editing ? "editing" : ""}"
              @pointerdown=${this._onPointerDown}
              @pointermove=${this._onPointerMove}
              @pointerup=${this._onPointerUp}
              @pointercancel=${this._onPointerUp}
              @click=${this._onClick}
            >
              ${this._zones.map((z, i) => this._renderZone(z, i))} ${this._renderBoxes()}
              ${this._renderHandles()}
            </svg>
          </div>
          <div class="hint secondary">${this._hint()}</div>
          <div class="legend secondary">
            <span><i class="swatch exclude"></i>Exclude: motion here is ignored</span>
            <span><i class="swatch include"></i>Include: only motion here counts</span>
            ${this._boxes
              ? html`<span><i class="swatch box"></i>Motion found now (${this._boxes.boxes.length})</span>`
              : nothing}
          </div>
        </div>
        <div class="side">
          <div class="row toolbar">
            <button data-testid="zone-new" @click=${this._newZone}>New zone</button>
            ${this._drawing
              ? html`<button @click=${() => (this._drawing = false)}>Finish</button>`
              : nothing}
            <button data-testid="zone-preview" ?disabled=${!!this._busy} @click=${this._preview}>
              ${this._busy === "preview" ? "Looking…" : "Preview motion"}
            </button>
            <button class="primary" data-testid="zone-save" ?disabled=${!!this._busy} @click=${this._save}>
              ${this._busy === "save" ? "Saving…" : "Save"}
            </button>
          </div>
          ${this._saved
            ? html`<div class="message ok" data-testid="zone-saved">Saved</div>`
            : nothing}
          ${this._error && this._error.zone === null ? this._renderError() : nothing}
          <div class="zone-list" role="listbox" aria-label="Zones">
            ${this._zones.map((z, i) => this._renderListItem(z, i))}
            ${this._zones.length ? nothing : html`<div class="secondary none">No zones yet</div>`}
          </div>
          <fieldset class="zone-form" ?disabled=${!zone}>
            <legend>${zone ? `Zone “${zone.name}”` : "No zone selected"}</legend>
            <div class="row">
              <label class="field grow">
                Name
                <input
                  data-testid="zone-name"
                  .value=${zone ? zone.name : ""}
                  @input=${(ev) => this._setField("name", ev.target.value)}
                />
              </label>
              <label class="field">
                Type
                <select
                  data-testid="zone-type"
                  .value=${zone ? zone.type : "exclude"}
                  @change=${(ev) => this._setField("type", ev.target.value)}
                >
                  <option value="exclude" ?selected=${!zone || zone.type === "exclude"}>Exclude</option>
                  <option value="include" ?selected=${zone && zone.type === "include"}>Include</option>
                </select>
              </label>
            </div>
            <div class="row">
              <button data-testid="zone-delete-point" ?disabled=${!zone || this._point < 0} @click=${this._deletePoint}>
                Delete point
              </button>
              <button class="danger" data-testid="zone-delete" ?disabled=${!zone} @click=${this._deleteZone}>
                Delete zone
              </button>
            </div>
          </fieldset>
          <div class="row">
            <button class="plain" @click=${this._loadFrame}>Refresh picture</button>
            <button class="plain" ?disabled=${!this._dirty} @click=${this._revert}>Undo changes</button>
          </div>
        </div>
      </div>
    `;
  }

  _renderError() {
    const zone = this._error.zone;
    return html`<div class="message error" data-testid="zone-error" data-zone-index=${zone === null ? "" : String(zone)} role="alert">
      ${this._error.message}
    </div>`;
  }

  _renderListItem(zone, index) {
    const selected = index === this._selected;
    const faulty = this._error && this._error.zone === index;
    return html`<div
        class="zone-item ${selected ? "selected" : ""} ${faulty ? "faulty" : ""}"
        data-testid="zone-list-item"
        data-index=${index}
        role="option"
        aria-selected=${selected ? "true" : "false"}
        tabindex="0"
        @click=${() => this._select(index)}
        @keydown=${(ev) => (ev.key === "Enter" || ev.key === " ") && this._select(index)}
      >
        <i class="swatch ${zone.type}"></i>
        <span class="zone-name">${zone.name || "(no name)"}</span>
        <span class="secondary">${zone.type} · ${zone.points.length} points</span>
      </div>
      ${faulty ? this._renderError() : nothing}`;
  }

  static styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .header {
        display: flex;
        align-items: center;
        gap: 8px;
        margin-bottom: 12px;
      }
      .header button {
        flex: none;
        padding: 0 8px;
      }
      h2 {
        font-size: 20px;
        font-weight: 500;
        margin: 0;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .header .badge {
        flex: none;
      }
      .layout {
        display: flex;
        flex-wrap: wrap;
        gap: 16px;
        align-items: flex-start;
      }
      .picture-column {
        flex: 3 1 480px;
        min-width: 0;
      }
      .side {
        flex: 1 1 280px;
        min-width: 0;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .stage {
        position: relative;
        width: 100%;
        background: #000;
        border-radius: 8px;
        overflow: hidden;
        user-select: none;
        -webkit-user-select: none;
      }
      .stage img {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        display: block;
        -webkit-user-drag: none;
      }
      .no-picture {
        position: absolute;
        inset: 0;
        display: flex;
        align-items: center;
        justify-content: center;
        padding: 16px;
        text-align: center;
        color: #ddd;
        background: repeating-linear-gradient(45deg, #333, #333 12px, #3a3a3a 12px, #3a3a3a 24px);
      }
      .overlay {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        cursor: pointer;
        touch-action: manipulation;
        overflow: visible;
      }
      .overlay.editing {
        cursor: crosshair;
        touch-action: none;
      }
      .zone {
        stroke-width: 2;
        stroke-linejoin: round;
      }
      /* The colours of the alert snapshot: blue where motion is ignored, green where only it counts. */
      .zone.exclude {
        fill: rgba(0, 160, 255, 0.28);
        stroke: #00a0ff;
      }
      .zone.include {
        fill: rgba(80, 220, 80, 0.28);
        stroke: #50dc50;
      }
      .zone.selected {
        stroke-width: 3;
        fill-opacity: 1;
      }
      .zone.exclude.selected {
        fill: rgba(0, 160, 255, 0.4);
      }
      .zone.include.selected {
        fill: rgba(80, 220, 80, 0.4);
      }
      .zone.drawing {
        fill-opacity: 0.6;
      }
      .zone.faulty {
        stroke: #ffd600;
        stroke-width: 4;
        stroke-dasharray: 8 5;
      }
      .closing {
        stroke: #fff;
        stroke-width: 1.5;
        stroke-dasharray: 4 4;
        pointer-events: none;
      }
      .label {
        fill: #fff;
        font-size: 14px;
        font-weight: 600;
        text-anchor: middle;
        dominant-baseline: middle;
        paint-order: stroke;
        stroke: rgba(0, 0, 0, 0.75);
        stroke-width: 3px;
        pointer-events: none;
      }
      .label.faulty {
        fill: #ffd600;
      }
      .handle {
        fill: #fff;
        stroke: var(--primary-color, #03a9f4);
        stroke-width: 3;
        pointer-events: none;
      }
      .handle.selected {
        fill: var(--primary-color, #03a9f4);
        stroke: #fff;
      }
      .hit {
        fill: transparent;
        cursor: grab;
        touch-action: none;
      }
      .box {
        fill: rgba(255, 193, 7, 0.15);
        stroke: #ffc107;
        stroke-width: 2;
        pointer-events: none;
      }
      .hint {
        margin-top: 8px;
        line-height: 1.4;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
        margin-top: 6px;
        font-size: 12px;
      }
      .swatch {
        display: inline-block;
        width: 12px;
        height: 12px;
        border-radius: 3px;
        margin-right: 6px;
        vertical-align: -1px;
        flex: none;
      }
      .swatch.exclude {
        background: rgba(0, 160, 255, 0.6);
        border: 2px solid #00a0ff;
      }
      .swatch.include {
        background: rgba(80, 220, 80, 0.6);
        border: 2px solid #50dc50;
      }
      .swatch.box {
        border: 2px solid #ffc107;
      }
      .toolbar {
        margin-bottom: 4px;
      }
      .zone-list {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .zone-item {
        display: flex;
        align-items: center;
        gap: 6px;
        flex-wrap: wrap;
        padding: 8px 10px;
        border-radius: 8px;
        border: 1px solid var(--divider-color, #e0e0e0);
        background: var(--card-background-color, #fff);
        cursor: pointer;
      }
      .zone-item.selected {
        border-color: var(--primary-color, #03a9f4);
        box-shadow: inset 3px 0 0 var(--primary-color, #03a9f4);
      }
      .zone-item.faulty {
        border-color: var(--error-color, #db4437);
        background: rgba(219, 68, 55, 0.08);
      }
      .zone-name {
        font-weight: 500;
        margin-right: auto;
        overflow-wrap: anywhere;
      }
      .zone-list .message {
        margin: 0 0 4px 12px;
      }
      .none {
        padding: 8px 0;
      }
      fieldset {
        border: 1px solid var(--divider-color, #e0e0e0);
        border-radius: 8px;
        margin: 0;
        padding: 8px 12px 12px;
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      fieldset:disabled {
        opacity: 0.6;
      }
      legend {
        padding: 0 4px;
        color: var(--secondary-text-color, #727272);
      }
      .grow {
        flex: 1 1 140px;
      }
      .grow input {
        width: 100%;
      }
    `,
  ];
}

if (!customElements.get("vlm-guard-zone-editor")) {
  customElements.define("vlm-guard-zone-editor", VlmGuardZoneEditor);
}

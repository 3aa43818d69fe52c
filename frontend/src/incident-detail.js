// One incident: pictures, clip, sound, verdicts, the daily review, and the owner's review.
import { LitElement, css, html, nothing } from "lit";

import { errorText, getIncident, proposeRule, reviewIncident } from "./api.js";
import { incidentBadges } from "./badges.js";
import { fromLocalInput, longTime, parseKeywords, regionText, thumbnail } from "./format.js";
import { shared } from "./styles.js";

const PICTURES = [
  ["first", "First picture"],
  ["best", "Best picture"],
  ["crop", "What the VLM was shown"],
];

const DONE = {
  false_alarm: "Marked as a false alarm.",
  real: "Marked as real.",
  acknowledged: "Acknowledged.",
};

export class VlmGuardIncidentDetail extends LitElement {
  static properties = {
    hass: { attribute: false },
    incidentId: { attribute: false },
    incident: { attribute: false },
    cameraName: { attribute: false },
    _error: { state: true },
    _form: { state: true },
    _busy: { state: true },
  };

  constructor() {
    super();
    this.incident = null;
    this._error = null;
    this._form = null;
    this._busy = false;
  }

  firstUpdated() {
    this._load();
  }

  async _load() {
    try {
      const result = await getIncident(this.hass, this.incidentId);
      this.incident = result.incident;
    } catch (err) {
      this._error = errorText(err);
    }
  }

  _close() {
    this.dispatchEvent(new CustomEvent("close-incident", { bubbles: true, composed: true }));
  }

  async _openForm() {
    this._error = null;
    this._form = {
      suppress: true,
      keywords: "",
      region: null,
      useRegion: false,
      expires: "",
      note: "",
      loading: true,
      problem: null,
    };
    try {
      const proposal = await proposeRule(this.hass, this.incidentId);
      const region = Array.isArray(proposal.region) && proposal.region.length === 4 ? proposal.region : null;
      this._form = {
        ...this._form,
        keywords: (proposal.keywords || []).join(" "),
        region,
        useRegion: region !== null,
        loading: false,
      };
    } catch (err) {
      this._form = { ...this._form, loading: false, problem: errorText(err) };
    }
  }

  _set(field, value) {
    this._form = { ...this._form, [field]: value };
  }

  async _review(status) {
    const params = { incident_id: this.incidentId, status };
    const form = status === "false_alarm" ? this._form : null;
    if (form) {
      if (form.note.trim()) params.note = form.note.trim();
      params.suppress = form.suppress;
      if (form.suppress) {
        const keywords = parseKeywords(form.keywords);
        if (keywords.length) params.keywords = keywords;
        params.region = form.useRegion ? form.region : null;
        const expires = fromLocalInput(form.expires);
        if (expires) params.expires = expires;
      }
    }
    this._busy = true;
    this._error = null;
    try {
      const result = await reviewIncident(this.hass, params);
      let message = DONE[status] || "Saved.";
      if (result && result.rule) message += " A suppression rule now keeps it quiet.";
      this.dispatchEvent(
        new CustomEvent("incident-reviewed", {
          detail: { incident: result && result.incident, rule: result && result.rule, message },
          bubbles: true,
          composed: true,
        }),
      );
    } catch (err) {
      this._error = errorText(err);
    } finally {
      this._busy = false;
    }
  }

  render() {
    const incident = this.incident;
    return html`
      <div class="header">
        <button class="plain" @click=${this._close}>← Incidents</button>
        ${incident
          ? html`<h2>${incident.camera_name || (this.cameraName && this.cameraName(incident.camera))}</h2>
              <span class="secondary">${longTime(this.hass, incident.started)}</span>`
          : html`<h2>Incident</h2>`}
      </div>
      ${this._error ? html`<div class="message error">${this._error}</div>` : nothing}
      ${incident ? this._renderIncident(incident) : this._error ? nothing : html`<div class="empty">Loading…</div>`}
    `;
  }

  _renderIncident(incident) {
    const urls = incident.urls || {};
    const details = incident.details || {};
    const verdicts = details.verdicts || [];
    return html`
      <div class="card section">
        <div class="description">${incident.description || "(no description)"}</div>
        <div class="row badges">${incidentBadges(incident)}</div>
        <div class="facts secondary">
          <span>Started ${longTime(this.hass, incident.started)}</span>
          <span>${incident.ended ? `Ended ${longTime(this.hass, incident.ended)}` : "Still going on"}</span>
          <span>${incident.alerts} alert${incident.alerts === 1 ? "" : "s"}, ${incident.verified} confirmed by the VLM</span>
          ${incident.reviewed ? html`<span>Reviewed ${longTime(this.hass, incident.reviewed)}</span>` : nothing}
          ${incident.suppressed_by ? html`<span>Suppressed by rule ${incident.suppressed_by}</span>` : nothing}
        </div>
        ${incident.note ? html`<div><b>Note:</b> ${incident.note}</div>` : nothing}
        ${incident.review_label
          ? html`<div class="daily">
              <b>Daily review:</b> ${incident.review_label}${incident.review_reason ? ` — ${incident.review_reason}` : ""}
            </div>`
          : nothing}
        ${this._renderActions(incident)}
      </div>

      <div class="pictures">
        ${PICTURES.filter(([role]) => urls[role]).map(
          ([role, caption]) => html`<figure>
            <a href=${urls[role]} target="_blank" rel="noopener"><img src=${urls[role]} alt=${caption} loading="lazy" /></a>
            <figcaption class="secondary">${caption}</figcaption>
          </figure>`,
        )}
        ${PICTURES.some(([role]) => urls[role]) ? nothing : html`<div class="secondary">No pictures kept.</div>`}
      </div>

      ${urls.clip
        ? html`<div class="card section">
            <h3>Clip</h3>
            <video controls preload="metadata" playsinline src=${urls.clip}></video>
          </div>`
        : nothing}
      ${urls.audio || incident.transcript
        ? html`<div class="card section">
            <h3>Sound</h3>
            ${urls.audio ? html`<audio controls preload="none" src=${urls.audio}></audio>` : nothing}
            ${incident.transcript ? html`<blockquote>${incident.transcript}</blockquote>` : nothing}
          </div>`
        : nothing}
      ${verdicts.length
        ? html`<div class="card section">
            <h3>Verdicts (${verdicts.length})</h3>
            ${verdicts.map((verdict) => this._renderVerdict(verdict))}
          </div>`
        : nothing}
    `;
  }

  _renderActions(incident) {
    return html`
      <div class="row actions">
        <button class="danger" data-testid="btn-false-alarm" ?disabled=${this._busy} @click=${this._openForm}>
          False alarm
        </button>
        <button data-testid="btn-real" ?disabled=${this._busy} @click=${() => this._review("real")}>Real</button>
        <button data-testid="btn-acknowledge" ?disabled=${this._busy} @click=${() => this._review("acknowledged")}>
          Acknowledge
        </button>
      </div>
      ${this._form ? this._renderForm(incident) : nothing}
    `;
  }

  _renderForm(incident) {
    const form = this._form;
    const picture = thumbnail(incident);
    const region = form.region;
    return html`<div class="form">
      <h3>False alarm</h3>
      ${form.loading ? html`<div class="secondary">Proposing a rule…</div>` : nothing}
      ${form.problem ? html`<div class="message error">No rule proposed: ${form.problem}</div>` : nothing}
      <label class="check">
        <input
          type="checkbox"
          data-testid="rule-suppress"
          .checked=${form.suppress}
          @change=${(ev) => this._set("suppress", ev.target.checked)}
        />
        Suppress from now on
      </label>
      <div class="rule-fields ${form.suppress ? "" : "off"}">
        <label class="field">
          Keywords (every one must be in the description)
          <input
            data-testid="rule-keywords"
            .value=${form.keywords}
            ?disabled=${!form.suppress}
            placeholder="smoke barbecue"
            @input=${(ev) => this._set("keywords", ev.target.value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            data-testid="rule-use-region"
            .checked=${form.useRegion}
            ?disabled=${!form.suppress || !region}
            @change=${(ev) => this._set("useRegion", ev.target.checked)}
          />
          Only this part of the picture
          <span class="secondary">(${region ? regionText(region) : "no region known"})</span>
        </label>
        ${region && picture
          ? html`<div class="region-picture ${form.useRegion ? "" : "whole"}">
              <img src=${picture} alt="" />
              <div
                class="region"
                style="left:${region[0] * 100}%;top:${region[1] * 100}%;width:${(region[2] - region[0]) * 100}%;height:${(region[3] - region[1]) * 100}%"
              ></div>
            </div>`
          : nothing}
        <label class="field">
          Expires (optional)
          <input
            type="datetime-local"
            .value=${form.expires}
            ?disabled=${!form.suppress}
            @change=${(ev) => this._set("expires", ev.target.value)}
          />
        </label>
      </div>
      <label class="field">
        Note
        <input
          data-testid="rule-note"
          .value=${form.note}
          placeholder="our barbecue"
          @input=${(ev) => this._set("note", ev.target.value)}
        />
      </label>
      <div class="row">
        <button class="primary" data-testid="rule-submit" ?disabled=${this._busy} @click=${() => this._review("false_alarm")}>
          Mark as false alarm
        </button>
        <button class="plain" @click=${() => (this._form = null)}>Cancel</button>
      </div>
    </div>`;
  }

  _renderVerdict(verdict) {
    return html`<div class="verdict">
      <div class="row">
        <span class="time">${longTime(this.hass, verdict.time)}</span>
        ${verdict.alert === true ? html`<span class="badge alert">ALERT</span>` : nothing}
        ${verdict.alert === false ? html`<span class="badge">no alert</span>` : nothing}
        ${verdict.rule ? html`<span class="badge" title="The rule of the verdict parser that decided">${verdict.rule}</span>` : nothing}
        ${verdict.reason ? html`<span class="secondary">${verdict.reason}</span>` : nothing}
      </div>
      <div class="description">${verdict.description || "(no description)"}</div>
      <div class="secondary small">
        ${verdict.model || ""}${typeof verdict.latency === "number" ? ` · ${verdict.latency.toFixed(2)} s` : ""}
      </div>
      ${verdict.raw_answer
        ? html`<details>
            <summary>Raw answer</summary>
            <pre>${verdict.raw_answer}</pre>
          </details>`
        : nothing}
    </div>`;
  }

  static styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .header {
        display: flex;
        align-items: baseline;
        gap: 8px 12px;
        flex-wrap: wrap;
        margin-bottom: 12px;
      }
      h2 {
        font-size: 20px;
        font-weight: 500;
        margin: 0;
      }
      h3 {
        font-size: 16px;
        font-weight: 500;
        margin: 0 0 8px;
      }
      .section {
        padding: 12px 16px;
        margin-bottom: 12px;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .description {
        font-size: 16px;
        overflow-wrap: anywhere;
      }
      .badges {
        gap: 4px;
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
      }
      .actions {
        margin-top: 4px;
      }
      .pictures {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 260px), 1fr));
        gap: 12px;
        margin-bottom: 12px;
      }
      figure {
        margin: 0;
      }
      figure img {
        width: 100%;
        height: 200px;
        object-fit: contain;
        border-radius: 8px;
        display: block;
        background: #000;
      }
      figcaption {
        margin-top: 4px;
        font-size: 12px;
      }
      video,
      audio {
        width: 100%;
        max-width: 720px;
      }
      video {
        border-radius: 8px;
        background: #000;
      }
      blockquote {
        margin: 0;
        padding: 4px 12px;
        border-left: 3px solid var(--divider-color, #ccc);
        font-style: italic;
      }
      .verdict {
        padding: 8px 0;
        border-top: 1px solid var(--divider-color, #e0e0e0);
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .verdict:first-of-type {
        border-top: none;
      }
      .small {
        font-size: 12px;
      }
      pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 12px;
        background: var(--secondary-background-color, #f5f5f5);
        padding: 8px;
        border-radius: 6px;
        margin: 4px 0 0;
        max-height: 320px;
        overflow: auto;
      }
      summary {
        cursor: pointer;
        color: var(--primary-color, #03a9f4);
      }
      .form {
        border: 1px solid var(--divider-color, #e0e0e0);
        border-radius: 8px;
        padding: 12px;
        display: flex;
        flex-direction: column;
        gap: 10px;
        max-width: 560px;
      }
      .form h3 {
        margin: 0;
      }
      .rule-fields {
        display: flex;
        flex-direction: column;
        gap: 10px;
        padding-left: 26px;
      }
      .rule-fields.off {
        opacity: 0.5;
      }
      .region-picture {
        position: relative;
        max-width: 320px;
      }
      .region-picture img {
        width: 100%;
        display: block;
        border-radius: 6px;
      }
      .region {
        position: absolute;
        border: 2px solid #ffd600;
        background: rgba(255, 214, 0, 0.2);
        box-shadow: 0 0 0 9999px rgba(0, 0, 0, 0.35);
      }
      .region-picture {
        overflow: hidden;
        border-radius: 6px;
      }
      .region-picture.whole .region {
        box-shadow: none;
        border-style: dashed;
        background: none;
      }
    `,
  ];
}

if (!customElements.get("vlm-guard-incident-detail")) {
  customElements.define("vlm-guard-incident-detail", VlmGuardIncidentDetail);
}

// The Rules page: suppression rules with their hits; edit, remove, accept proposed ones.
import { LitElement, css, html, nothing } from "lit";

import { acceptRules, errorText, listRules, removeRule, updateRule } from "./api.js";
import { fromLocalInput, parseKeywords, regionText, shortTime, toLocalInput } from "./format.js";
import { shared } from "./styles.js";

export class VlmGuardRules extends LitElement {
  static properties = {
    hass: { attribute: false },
    cameras: { attribute: false },
    _rules: { state: true },
    _camera: { state: true },
    _loading: { state: true },
    _error: { state: true },
    _notice: { state: true },
    _editing: { state: true },
    _busy: { state: true },
  };

  constructor() {
    super();
    this.cameras = [];
    this._rules = [];
    this._camera = "";
    this._loading = false;
    this._error = null;
    this._notice = null;
    this._editing = null;
    this._busy = false;
  }

  firstUpdated() {
    this._load();
  }

  async _load() {
    this._loading = true;
    this._error = null;
    try {
      const result = await listRules(this.hass, this._camera || undefined);
      this._rules = (result && result.rules) || [];
    } catch (err) {
      this._error = errorText(err);
    } finally {
      this._loading = false;
    }
  }

  /** Run an action that returns the notice to show, then reload the rules. */
  async _run(action) {
    this._busy = true;
    this._error = null;
    this._notice = null;
    try {
      this._notice = await action();
      await this._load();
    } catch (err) {
      this._error = errorText(err);
    } finally {
      this._busy = false;
    }
  }

  _remove(rule) {
    if (this._editing && this._editing.id === rule.id) this._editing = null;
    this._run(async () => {
      await removeRule(this.hass, rule.id);
      return "Rule removed.";
    });
  }

  _accept(ids) {
    this._run(async () => {
      const result = await acceptRules(this.hass, ids);
      const accepted = Array.isArray(result && result.accepted) ? result.accepted.length : ids.length;
      return accepted === 1
        ? "Rule accepted: it suppresses from now on."
        : `${accepted} rules accepted: they suppress from now on.`;
    });
  }

  _edit(rule) {
    this._editing = {
      id: rule.id,
      keywords: (rule.keywords || []).join(" "),
      expires: toLocalInput(rule.expires),
      note: rule.note || "",
      initialExpires: toLocalInput(rule.expires),
    };
  }

  _saveEdit() {
    const edit = this._editing;
    const params = { rule_id: edit.id, keywords: parseKeywords(edit.keywords), note: edit.note };
    // The expiry is sent only when changed: the input holds minutes, the rule seconds.
    if (edit.expires !== edit.initialExpires) params.expires = fromLocalInput(edit.expires);
    this._run(async () => {
      await updateRule(this.hass, params);
      this._editing = null;
      return "Rule saved.";
    });
  }

  _cameraName(id) {
    const camera = (this.cameras || []).find((c) => c.id === id);
    return camera ? camera.name : id;
  }

  _openIncident(id) {
    this.dispatchEvent(
      new CustomEvent("open-incident", { detail: { incident: id }, bubbles: true, composed: true }),
    );
  }

  render() {
    const proposed = this._rules.filter((rule) => !rule.active);
    return html`
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
        <span class="secondary count">
          ${this._loading
            ? "Loading…"
            : `${this._rules.length} rule${this._rules.length === 1 ? "" : "s"}, ${proposed.length} proposed`}
        </span>
        <button
          class="primary"
          data-testid="rules-accept-all"
          ?disabled=${this._busy || !proposed.length}
          @click=${() => this._accept(proposed.map((rule) => rule.id))}
        >
          Accept all proposed
        </button>
      </div>
      ${this._notice ? html`<div class="message ok">${this._notice}</div>` : nothing}
      ${this._error ? html`<div class="message error">${this._error}</div>` : nothing}
      <div class="card">
        ${this._rules.length
          ? html`<table>
              <thead>
                <tr>
                  <th>Camera</th>
                  <th>Keywords</th>
                  <th>Region</th>
                  <th>Created</th>
                  <th>Expires</th>
                  <th class="num">Hits</th>
                  <th>Last hit</th>
                  <th>State</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${this._rules.map((rule) => this._renderRule(rule))}
              </tbody>
            </table>`
          : html`<div class="empty">
              ${this._loading
                ? "Loading…"
                : "No suppression rules. Mark an incident as a false alarm in Review to make one."}
            </div>`}
      </div>
    `;
  }

  _renderRule(rule) {
    const expired = rule.expires && new Date(rule.expires) <= new Date();
    const editing = this._editing && this._editing.id === rule.id;
    return html`<tr data-testid="rule-row" data-rule-id=${rule.id} class=${rule.active ? "" : "proposed"}>
        <td data-label="Camera">${this._cameraName(rule.camera)}</td>
        <td data-label="Keywords">
          <div>
          <div class="keywords">
            ${(rule.keywords || []).length
              ? rule.keywords.map((word) => html`<span class="chip">${word}</span>`)
              : html`<span class="secondary">any description</span>`}
          </div>
          ${rule.note ? html`<div class="secondary note">${rule.note}</div>` : nothing}
          ${rule.incident_id
            ? html`<a href="#" class="from" @click=${(ev) => {
                ev.preventDefault();
                this._openIncident(rule.incident_id);
              }}>from an incident</a>`
            : nothing}
          </div>
        </td>
        <td data-label="Region">${regionText(rule.region)}</td>
        <td data-label="Created">${shortTime(this.hass, rule.created)}</td>
        <td data-label="Expires">
          ${rule.expires ? shortTime(this.hass, rule.expires) : html`<span class="secondary">never</span>`}
        </td>
        <td data-label="Hits" class="num">${rule.hits || 0}</td>
        <td data-label="Last hit">
          ${rule.last_hit ? shortTime(this.hass, rule.last_hit) : html`<span class="secondary">never</span>`}
        </td>
        <td data-label="State">
          ${rule.active
            ? html`<span class="badge ${expired ? "" : "active"}">${expired ? "Expired" : "Active"}</span>`
            : html`<span class="badge proposed" title="Proposed by the daily review: does nothing until accepted"
                >Proposed</span
              >`}
        </td>
        <td class="actions">
          ${rule.active
            ? nothing
            : html`<button
                class="primary"
                data-testid="rule-accept"
                ?disabled=${this._busy}
                @click=${() => this._accept([rule.id])}
              >
                Accept
              </button>`}
          <button ?disabled=${this._busy} @click=${() => (editing ? (this._editing = null) : this._edit(rule))}>
            ${editing ? "Close" : "Edit"}
          </button>
          <button class="danger" data-testid="rule-remove" ?disabled=${this._busy} @click=${() => this._remove(rule)}>
            Remove
          </button>
        </td>
      </tr>
      ${editing ? this._renderEdit() : nothing}`;
  }

  _renderEdit() {
    const edit = this._editing;
    const set = (field) => (ev) => (this._editing = { ...this._editing, [field]: ev.target.value });
    return html`<tr class="edit">
      <td colspan="9">
        <div class="row edit-row">
          <label class="field grow">
            Keywords
            <input data-testid="rule-edit-keywords" .value=${edit.keywords} @input=${set("keywords")} />
          </label>
          <label class="field">
            Expires
            <input type="datetime-local" .value=${edit.expires} @change=${set("expires")} />
          </label>
          <label class="field grow">
            Note
            <input .value=${edit.note} @input=${set("note")} />
          </label>
          <button class="primary" data-testid="rule-edit-save" ?disabled=${this._busy} @click=${this._saveEdit}>
            Save
          </button>
          <button class="plain" @click=${() => (this._editing = null)}>Cancel</button>
        </div>
      </td>
    </tr>`;
  }

  static styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .filters {
        margin-bottom: 12px;
        align-items: flex-end;
      }
      .count {
        margin-left: auto;
        align-self: center;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th {
        text-align: left;
        font-weight: 500;
        font-size: 12px;
        color: var(--secondary-text-color, #727272);
        padding: 10px 8px;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
        white-space: nowrap;
      }
      td {
        padding: 10px 8px;
        border-bottom: 1px solid var(--divider-color, #e0e0e0);
        vertical-align: top;
      }
      tr:last-child td {
        border-bottom: none;
      }
      tr.proposed td {
        background: rgba(3, 155, 229, 0.06);
      }
      .num {
        text-align: right;
      }
      .keywords {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .chip {
        padding: 1px 8px;
        border-radius: 10px;
        background: var(--secondary-background-color, #eee);
        font-size: 13px;
      }
      .note {
        margin-top: 4px;
      }
      .from {
        font-size: 12px;
        color: var(--primary-color, #03a9f4);
      }
      .actions {
        white-space: nowrap;
        text-align: right;
      }
      .actions button {
        margin: 2px 0 2px 4px;
      }
      tr.edit td {
        background: var(--secondary-background-color, #f5f5f5);
      }
      .edit-row {
        align-items: flex-end;
      }
      .grow {
        flex: 1 1 180px;
      }
      .grow input {
        width: 100%;
      }
      @media (max-width: 760px) {
        table,
        tbody,
        tr,
        td {
          display: block;
        }
        thead {
          display: none;
        }
        tr {
          border-bottom: 1px solid var(--divider-color, #e0e0e0);
          padding: 8px 12px;
        }
        tr:last-child {
          border-bottom: none;
        }
        td {
          border: none;
          padding: 3px 0;
          display: flex;
          gap: 8px;
        }
        td[data-label]::before {
          content: attr(data-label);
          flex: 0 0 84px;
          color: var(--secondary-text-color, #727272);
          font-size: 12px;
          padding-top: 2px;
        }
        .num {
          text-align: left;
        }
        .actions {
          justify-content: flex-start;
          flex-wrap: wrap;
          padding-top: 6px;
        }
        .actions button {
          margin: 0 4px 0 0;
        }
        tr.edit td {
          display: block;
        }
      }
    `,
  ];
}

if (!customElements.get("vlm-guard-rules")) {
  customElements.define("vlm-guard-rules", VlmGuardRules);
}

// Look shared by the panel's pages and the card: Home Assistant's theme variables with
// fallbacks, so it fits light and dark themes and still looks right on its own.
import { css } from "lit";

export const shared = css`
  :host {
    color: var(--primary-text-color, #212121);
    font-family: var(--paper-font-body1_-_font-family, var(--ha-font-family-body, Roboto, "Noto Sans", sans-serif));
    font-size: 14px;
    -webkit-font-smoothing: antialiased;
  }
  * {
    box-sizing: border-box;
  }
  .card {
    background: var(--ha-card-background, var(--card-background-color, #fff));
    border-radius: var(--ha-card-border-radius, 12px);
    border: var(--ha-card-border-width, 1px) solid var(--ha-card-border-color, var(--divider-color, #e0e0e0));
    box-shadow: var(--ha-card-box-shadow, none);
    color: var(--primary-text-color, #212121);
    overflow: hidden;
  }
  .secondary {
    color: var(--secondary-text-color, #727272);
  }
  .error {
    color: var(--error-color, #db4437);
  }
  .message {
    padding: 8px 12px;
    border-radius: 8px;
    margin: 8px 0;
    line-height: 1.4;
  }
  .message.error {
    background: rgba(219, 68, 55, 0.12);
    border: 1px solid var(--error-color, #db4437);
  }
  .message.ok {
    background: rgba(67, 160, 71, 0.12);
    border: 1px solid var(--success-color, #43a047);
    color: var(--primary-text-color, #212121);
  }
  button {
    font: inherit;
    font-weight: 500;
    cursor: pointer;
    border-radius: 18px;
    min-height: 36px;
    padding: 0 16px;
    border: 1px solid var(--primary-color, #03a9f4);
    background: transparent;
    color: var(--primary-color, #03a9f4);
    white-space: nowrap;
  }
  button.primary {
    background: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  button.danger {
    border-color: var(--error-color, #db4437);
    color: var(--error-color, #db4437);
  }
  button.plain {
    border-color: transparent;
  }
  button:disabled {
    cursor: default;
    opacity: 0.45;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--primary-color, #03a9f4);
    outline-offset: 1px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--primary-text-color, #212121);
    background: var(--input-fill-color, var(--secondary-background-color, #f5f5f5));
    border: 1px solid var(--divider-color, #ccc);
    border-radius: 6px;
    min-height: 36px;
    padding: 4px 8px;
    max-width: 100%;
  }
  label.field input,
  label.field select {
    font-size: 14px;
  }
  @media (max-width: 600px) {
    /* Phones zoom into smaller text fields. */
    label.field input,
    label.field select {
      font-size: 16px;
    }
  }
  input[type="checkbox"] {
    min-height: 0;
    width: 18px;
    height: 18px;
    accent-color: var(--primary-color, #03a9f4);
    vertical-align: middle;
  }
  label.field {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 12px;
    color: var(--secondary-text-color, #727272);
  }
  label.check {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    cursor: pointer;
  }
  .badge {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 10px;
    font-size: 12px;
    line-height: 18px;
    white-space: nowrap;
    background: var(--secondary-background-color, #eee);
    color: var(--primary-text-color, #212121);
    border: 1px solid var(--divider-color, #ddd);
  }
  .badge.new,
  .badge.alert {
    background: var(--warning-color, #ffa600);
    border-color: transparent;
    color: #000;
  }
  .badge.real,
  .badge.REAL {
    background: var(--error-color, #db4437);
    border-color: transparent;
    color: #fff;
  }
  .badge.false_alarm,
  .badge.suppressed,
  .badge.FALSE_POSITIVE,
  .badge.NOISE,
  .badge.proposed {
    background: var(--info-color, #039be5);
    border-color: transparent;
    color: #fff;
  }
  .badge.acknowledged,
  .badge.ok,
  .badge.active {
    background: var(--success-color, #43a047);
    border-color: transparent;
    color: #fff;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  .empty {
    padding: 24px;
    text-align: center;
    color: var(--secondary-text-color, #727272);
  }
  img.thumb {
    width: 96px;
    height: 54px;
    object-fit: cover;
    border-radius: 6px;
    background: var(--secondary-background-color, #eee);
    flex: none;
  }
  .thumb.none {
    display: flex;
    align-items: center;
    justify-content: center;
    font-size: 11px;
    width: 96px;
    height: 54px;
    border-radius: 6px;
    background: var(--secondary-background-color, #eee);
    color: var(--secondary-text-color, #727272);
    flex: none;
  }
`;

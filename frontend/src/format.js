// Times, keywords and labels shown to the owner; everything local to the browser.

const pad = (n) => String(n).padStart(2, "0");

function language(hass) {
  return (hass && ((hass.locale && hass.locale.language) || hass.language)) || undefined;
}

function parse(value) {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05" for today, "Mon 3 Nov, 14:05" otherwise ("" for no time). */
export function shortTime(hass, value, now = new Date()) {
  const date = parse(value);
  if (!date) return "";
  const time = date.toLocaleTimeString(language(hass), { hour: "2-digit", minute: "2-digit" });
  if (date.toDateString() === now.toDateString()) return time;
  const day = date.toLocaleDateString(language(hass), {
    weekday: "short",
    day: "numeric",
    month: "short",
  });
  return `${day}, ${time}`;
}

/** Date and time with seconds, for details. */
export function longTime(hass, value) {
  const date = parse(value);
  if (!date) return "";
  return date.toLocaleString(language(hass), {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** ISO 8601 with the browser's own offset: "2026-11-22T00:00:00+01:00". */
export function isoLocal(date) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The local day "YYYY-MM-DD" as `{since, until}` (until is the next midnight). */
export function dayBounds(day) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!match) return null;
  const start = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const end = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);
  return { since: isoLocal(start), until: isoLocal(end) };
}

/** The value of an <input type="datetime-local"> as ISO with offset ("" -> null). */
export function fromLocalInput(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : isoLocal(date);
}

/** An ISO time as the value of an <input type="datetime-local">. */
export function toLocalInput(value) {
  const date = parse(value);
  if (!date) return "";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** "smoke, barbecue grill" -> ["smoke", "barbecue", "grill"]. */
export function parseKeywords(text) {
  return String(text || "")
    .split(/[\s,;]+/)
    .map((word) => word.trim())
    .filter(Boolean);
}

/** A region [x0, y0, x1, y1] in fractions, as percentages for people. */
export function regionText(region) {
  if (!Array.isArray(region) || region.length !== 4) return "whole picture";
  const [x0, y0, x1, y1] = region.map((v) => Math.round(Number(v) * 100));
  return `${x0}–${x1} % across, ${y0}–${y1} % down`;
}

export const STATUS_NAMES = {
  new: "New",
  real: "Real",
  false_alarm: "False alarm",
  acknowledged: "Acknowledged",
  suppressed: "Suppressed",
};

export const LABEL_NAMES = {
  REAL: "Review: real",
  FALSE_POSITIVE: "Review: false positive",
  NOISE: "Review: noise",
};

/** The picture that best shows an incident (best, else first). */
export function thumbnail(incident) {
  const urls = (incident && incident.urls) || {};
  return urls.best || urls.first || urls.crop || null;
}

// Plain geometry for the zone editor: fractions of the picture, no DOM.

/** Clamp to 0..1 and keep four decimals (a tenth of a pixel on a 4K picture). */
export function fraction(value) {
  const clamped = Math.min(1, Math.max(0, value));
  return Math.round(clamped * 10000) / 10000;
}

/** Is the point [x, y] inside the polygon (ray casting)? */
export function inside(point, polygon) {
  const [x, y] = point;
  let result = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

function segmentDistance(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = dx * dx + dy * dy;
  let t = length ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/**
 * Where a new point goes in a closed outline: after the vertex that starts the nearest edge.
 * `scale` = [width, height] measures distances in pixels, not in stretched fractions.
 */
export function insertionIndex(points, point, scale = [1, 1]) {
  if (points.length < 3) return points.length;
  const px = (q) => [q[0] * scale[0], q[1] * scale[1]];
  const p = px(point);
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < points.length; i++) {
    const distance = segmentDistance(p, px(points[i]), px(points[(i + 1) % points.length]));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best + 1;
}

/** Where a zone's name is written: the average of its points. */
export function labelPoint(points) {
  if (!points.length) return [0, 0];
  const sum = points.reduce((acc, [x, y]) => [acc[0] + x, acc[1] + y], [0, 0]);
  return [sum[0] / points.length, sum[1] / points.length];
}

/** A name not used by any zone yet: "zone 1", "zone 2", ... */
export function freshName(zones) {
  const used = new Set(zones.map((zone) => zone.name));
  for (let n = zones.length + 1; ; n++) {
    if (!used.has(`zone ${n}`)) return `zone ${n}`;
  }
}

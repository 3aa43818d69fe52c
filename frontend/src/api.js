// The websocket commands of the integration, called through Home Assistant's connection.

/** Call a `vlm_guard/...` command; rejects with an Error whose message is the owner's text. */
export async function ws(hass, type, params = {}) {
  if (!hass) throw new Error("Home Assistant is not connected yet");
  const message = { type, ...params };
  try {
    if (hass.connection && typeof hass.connection.sendMessagePromise === "function") {
      return await hass.connection.sendMessagePromise(message);
    }
    return await hass.callWS(message);
  } catch (err) {
    const error = new Error(errorText(err));
    error.code = err && typeof err === "object" ? err.code : undefined;
    throw error;
  }
}

/** The readable text of whatever a rejected command gave (`{code, message}`, Error, string). */
export function errorText(err) {
  if (err === undefined || err === null) return "Unknown error";
  if (typeof err === "string") return err;
  if (err.code === "unauthorized") return "Only administrators can use VLM Guard here.";
  if (err.message) return String(err.message);
  if (err.error) return String(err.error);
  if (err.code) return String(err.code);
  return String(err);
}

export const getCameras = (hass) => ws(hass, "vlm_guard/cameras");
export const getFrame = (hass, camera) => ws(hass, "vlm_guard/frame", { camera });
export const previewZones = (hass, camera, zones) =>
  ws(hass, "vlm_guard/zones/preview", { camera, zones });
export const saveZones = (hass, camera, zones) =>
  ws(hass, "vlm_guard/zones/save", { camera, zones });
export const listIncidents = (hass, filters) => ws(hass, "vlm_guard/incidents/list", filters);
export const getIncident = (hass, incidentId) =>
  ws(hass, "vlm_guard/incidents/get", { incident_id: incidentId });
export const proposeRule = (hass, incidentId) =>
  ws(hass, "vlm_guard/incidents/propose_rule", { incident_id: incidentId });
export const reviewIncident = (hass, params) => ws(hass, "vlm_guard/incidents/review", params);
export const listRules = (hass, camera) =>
  ws(hass, "vlm_guard/suppressions/list", camera ? { camera } : {});
export const updateRule = (hass, params) => ws(hass, "vlm_guard/suppressions/update", params);
export const removeRule = (hass, ruleId) =>
  ws(hass, "vlm_guard/suppressions/remove", { rule_id: ruleId });
export const acceptRules = (hass, ruleIds) =>
  ws(hass, "vlm_guard/suppressions/accept", ruleIds ? { rule_ids: ruleIds } : {});

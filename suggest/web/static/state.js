// @ts-check
/* One shared state object, the fixed vocabularies, and the hash that says what is open. */

export var KEY_STORE = "cde.apiKey";
export var AREAS = ["Behavioural", "Functional", "Domain"];
export var ASK = ["attitude", "skill", "knowledge"];
export var REASONS = [
  ["", "No reason given"],
  ["not_relevant", "Not relevant to this post"],
  ["duplicate", "Duplicate of another competency"],
  ["wrong_level", "Wrong level"],
  ["too_generic", "Too generic"],
  ["other", "Other (see comment)"]
];
export var ACTION_WORDS = { accept: "Accepted", reject: "Rejected", modify: "Modified" };

export var state = { set: null, segments: [], cards: {}, position: null, gapLevels: {} };

// The hash holds what is open, so a reload brings it back: #set=<id>&position=<id> (either or both).
export var HASH_KEYS = ["set", "position"];
export function hashParam(name) {
  var m = new RegExp("(?:^#|&)" + name + "=([^&]+)").exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}
export function hashSetId() { return hashParam("set"); }
export function hashPositionId() { return hashParam("position"); }
export function setHashParam(name, value) {
  if (hashParam(name) === value) return;
  var parts = [];
  HASH_KEYS.forEach(function (k) {
    var v = k === name ? value : hashParam(k);
    if (v) parts.push(k + "=" + encodeURIComponent(v));
  });
  history.pushState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
}

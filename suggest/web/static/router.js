// @ts-check
/* The hash says what is open, so a reload brings it back: #set=<id>&position=<id> (either or both). */

var HASH_KEYS = ["set", "position"];

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

/** Calls open(kind, id) for what the hash names and the page does not show yet. */
export function startRouter(isOpen, open) {
  function route() {
    HASH_KEYS.forEach(function (kind) {
      var id = hashParam(kind);
      if (id && !isOpen(kind, id)) open(kind, id);
    });
  }
  window.addEventListener("hashchange", route);
  window.addEventListener("popstate", route);
  route();
  return route;
}

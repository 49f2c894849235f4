// @ts-check
/* Small DOM helpers and formatting: h/append/clear/$, ids, uuids, numbers, times, downloads. */

// ---- small helpers ---------------------------------------------------------------------------

export var $ = function (id) { return document.getElementById(id); };
export var uid = 0;
export function nextId(prefix) { uid += 1; return prefix + "-" + uid; }

/** h("div", {class: "x", onclick: fn}, child, "text") — text always goes in as text nodes. */
export function h(tag, attrs) {
  var el = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.slice(0, 2) === "on" && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "dataset") Object.keys(v).forEach(function (d) { el.dataset[d] = v[d]; });
      else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, String(v));
    });
  }
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}
export function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
  el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}
export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

export function uuid() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  var b = new Uint8Array(16);
  window.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
}
export function fmtScore(x) { return typeof x === "number" ? x.toFixed(2) : "–"; }
export function fmtPct(x) { return typeof x === "number" ? Math.round(x * 100) + "%" : "–"; }
export function fmtTime(iso) {
  if (!iso) return "";
  var d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toLocaleString();
}
export function slug(s) { return (s || "position").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "position"; }

export function download(blob, filename) {
  var url = URL.createObjectURL(blob);
  var a = h("a", { href: url, download: filename, class: "visually-hidden" }, "download");
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
}

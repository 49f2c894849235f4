// @ts-check
/* Review by keyboard (the keys are in state.KEYS, shown on the page). Keys act on the card that has
 * focus; after a decision focus moves on to the next card, so a review is mostly one key per card.
 * Nothing fires while typing in a field, or with Ctrl, Alt or Meta held. */
import { $, h, append } from "./dom.js";
import { KEYS, REASONS, state } from "./state.js";
import { accept, reject, setLevel, undo, toggle, openBar, closeBar } from "./review.js";

function typing(el) {
  if (!el || !(el instanceof HTMLElement)) return false;
  var tag = el.tagName;
  if (tag === "INPUT") return !/^(checkbox|radio|button|submit|reset|file)$/.test(/** @type {HTMLInputElement} */ (el).type);
  return tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
}

/** The card holding focus (focus may be on one of its buttons). */
function current() {
  var el = document.activeElement;
  var card = el && el.closest ? el.closest("article.card") : null;
  if (!card) return null;
  for (var i = state.cards.length - 1; i >= 0; i--) if (state.cards[i].el === card) return state.cards[i];
  return null;
}

/** Cards and "show more" buttons on screen, in reading order. */
function stops() {
  return Array.prototype.filter.call(document.querySelectorAll("article.card, button.fold"), function (el) {
    return el.getClientRects().length > 0;
  });
}

function move(from, step) {
  var all = stops();
  if (!all.length) return;
  var at = from ? all.indexOf(from) : -1;
  var next = at < 0 ? all[step > 0 ? 0 : all.length - 1] : all[Math.min(all.length - 1, Math.max(0, at + step))];
  next.focus();
}

/** After a decision, on to the next stop, unless focus was moved meanwhile. */
function andNext(ref, promise) {
  promise.then(function (saved) {
    if (!saved || !ref.el.isConnected) return;
    var el = document.activeElement;
    if (el === ref.el || el === document.body || !el) move(ref.el, 1);
  });
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  if (typing(e.target)) return;
  var key = e.key;
  if (key === "?") { e.preventDefault(); toggleHelp(); return; }
  var ref = current();
  if (key === "Escape") {
    if (!$("keys-help").hidden) { toggleHelp(false); return; }
    if (ref && ref.mode) { closeBar(ref); ref.el.focus(); }
    return;
  }
  if (key === "/") {
    e.preventDefault();
    var box = ref && ref.ctx.search ? ref.ctx.search(ref) : null;
    box = box || document.querySelector("input[data-add-box]");
    if (box) box.focus();
    return;
  }
  if (key === "j" || key === "k") {
    e.preventDefault();
    move(ref ? ref.el : document.activeElement, key === "j" ? 1 : -1);
    return;
  }
  if (!ref) return;
  // keys on the card itself; a button inside the card keeps Enter and Space for itself
  var onCard = document.activeElement === ref.el;
  if (!onCard && (key === "Enter" || key === " ")) return;
  var digit = /^[1-5]$/.test(key) ? Number(key) : 0;
  if (ref.mode === "reject" && (digit || key === "Enter")) {
    e.preventDefault();
    var comment = ref.parts.comment ? ref.parts.comment.value.trim() : "";
    andNext(ref, reject(ref, digit ? REASONS[digit - 1][0] : "", comment));
  } else if (digit) {
    e.preventDefault();
    andNext(ref, setLevel(ref, digit));
  } else if (key === "a") {
    e.preventDefault();
    andNext(ref, accept(ref));
  } else if (key === "r") {
    e.preventDefault();
    openBar(ref, "reject");
  } else if (key === "m") {
    e.preventDefault();
    openBar(ref, "level");
  } else if (key === "u") {
    e.preventDefault();
    undo(ref);
  } else if (key === "Enter" && onCard) {
    e.preventDefault();
    toggle(ref);
  }
}

export function toggleHelp(show) {
  var box = $("keys-help");
  box.hidden = show === undefined ? !box.hidden : !show;
  $("keys-help-btn").setAttribute("aria-expanded", String(!box.hidden));
}

export function initKeys() {
  var rows = KEYS.map(function (k) { return h("tr", null, h("th", { scope: "row" }, h("kbd", null, k[0])), h("td", null, k[1])); });
  append($("keys-help"), h("table", { class: "keys" },
    h("caption", null, "Review keys (they work when a card has focus, not while typing in a field)"), h("tbody", null, rows)));
  var legend = $("keys-legend");
  KEYS.filter(function (k) { return k[2]; }).forEach(function (k, i) {
    append(legend, [i ? " · " : "", h("kbd", null, k[0]), " " + k[2]]);
  });
  $("keys-help-btn").addEventListener("click", function () { toggleHelp(); });
  document.addEventListener("keydown", onKey);
}

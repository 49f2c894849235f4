// @ts-check
/* The one review component: a compact card for a competency of a suggestion set or of a position's role,
 * its decisions (accept, reject with a reason, a level, undo), and its history. Both views use it; what
 * differs between them is only the context `ctx`:
 *   subject        "set:<id>" or "position:<id>"; a decision holds for every card of the same competency
 *   decisionsPath  where decisions are posted and their history is read
 *   bulk           show a checkbox for bulk accept
 *   onPointer(kind, item|null)  hover/focus, to highlight the evidence */
import { nextId, h, append, clear, uuid, fmtPct, fmtTime } from "./dom.js";
import { busy, showError, clearError, api, competency, ApiError } from "./api.js";
import { ACTION_WORDS, state, cardsOf } from "./state.js";
import { cardBody, choiceBar } from "./card_parts.js";
import { decisions, stale, asReview } from "./history.js";

/** The level that stands: set on the page, else the reviewer's (as the server sent it), else suggested. */
export function levelOf(item) {
  var r = item.review;
  return item.level || (r && r.action !== "reject" && r.level) || item.required_level || item.suggested_level;
}

/** "Level 3 means …" for the card's current level: the set's own descriptor, else the dictionary's. */
function levelLine(ref) {
  var item = ref.item, level = levelOf(item);
  var line = ref.parts.levelLine;
  clear(line);
  var text = level === item.suggested_level && item.level_descriptor ? item.level_descriptor : "";
  var desc = h("span", { class: "level-descriptor" }, text);
  append(line, [h("span", { class: "muted" }, "Level "), h("strong", { class: "level" }, level ? String(level) : "not set"), " ", desc]);
  if (!text && level) {
    competency(item.competency_id).then(function (e) { desc.textContent = (e.levels || {})[String(level)] || ""; })
      .catch(function () { /* the number alone still says the level */ });
  }
}

export function reviewWords(item) {
  var r = item.review;
  if (!r) return ["Not reviewed yet."];
  var words = ACTION_WORDS[r.action] || r.action;
  var text = r.action === "reject" || !levelOf(item) ? "" : " at level " + levelOf(item);
  if (r.reason_code) text += " · reason: " + r.reason_code.replace(/_/g, " ");
  if (r.comment) text += " · “" + r.comment + "”";
  var by = [r.reviewer ? "by " + r.reviewer : "", r.at ? fmtTime(r.at) : ""].filter(Boolean).join(", ");
  if (r.inherited_from) by += (by ? "; " : "") + "taken on the suggestion set";
  return [h("span", { class: "state-badge state-" + r.action }, words), text + (by ? " (" + by + ")" : "")];
}

export function renderState(ref) {
  var item = ref.item;
  ref.el.dataset.review = item.review ? item.review.action : "none";
  clear(ref.parts.state);
  append(ref.parts.state, reviewWords(item));
  levelLine(ref);
  if (ref.parts.undo) ref.parts.undo.disabled = !item.review;
  if (ref.open) showHistory(ref);
}

/** A card. The review controls and details are built when it is first opened. */
export function reviewCard(item, ctx) {
  var base = nextId("c");
  var titleId = base + "-title", bodyId = base + "-body";
  var ref = { el: /** @type {HTMLElement} */ (h("article")), item: item, ctx: ctx, open: false, mode: "",
    parts: /** @type {any} */ ({}) };
  var p = ref.parts;
  p.state = h("p", { class: "review-state", "aria-live": "polite" });
  p.levelLine = h("p", { class: "level-line" });
  p.toggle = h("button", { type: "button", class: "link expand", "aria-expanded": "false", "aria-controls": bodyId,
    onclick: function () { toggle(ref); } }, "Details", h("span", { class: "visually-hidden" }, " of " + item.name));
  p.bar = h("div", { class: "choice-bar", hidden: true });
  p.body = h("div", { class: "card-body", id: bodyId, hidden: true });
  if (ctx.bulk) {
    p.select = h("input", { type: "checkbox", id: base + "-sel", class: "select-box", onchange: ctx.onSelect,
      dataset: { competencyId: item.competency_id } });
  }
  var el = ref.el;
  el.className = "card" + (item.low_confidence ? " low-confidence" : "") + (item.added ? " added" : "");
  el.setAttribute("aria-labelledby", titleId);
  el.setAttribute("tabindex", "0");
  el.dataset.competencyId = item.competency_id;
  append(el, [
    h("div", { class: "card-head" },
      p.select ? h("span", { class: "select-wrap" }, p.select,
        h("label", { for: p.select.id, class: "visually-hidden" }, "Select " + item.name + " for bulk accept")) : null,
      h("h5", { id: titleId, class: "card-title" }, item.name, " ", h("code", { class: "cid" }, item.competency_id)),
      h("span", { class: "area area-" + String(item.competencyAreaName || "").toLowerCase() }, item.competencyAreaName),
      item.added ? h("span", { class: "badge badge-added" }, "added by a reviewer")
        : h("span", { class: "confidence", title: "How likely a reviewer accepts it" }, fmtPct(item.confidence)),
      item.low_confidence ? h("span", { class: "badge badge-low" }, "low confidence") : null),
    h("div", { class: "card-line" }, p.levelLine, p.state, p.toggle),
    p.bar, p.body]);
  if (ctx.onPointer) {
    el.addEventListener("mouseenter", function () { ctx.onPointer("hover", ref); });
    el.addEventListener("mouseleave", function () { ctx.onPointer("hover", null); });
    el.addEventListener("focusin", function () { ctx.onPointer("focus", ref); });
    el.addEventListener("focusout", function (e) {
      if (!el.contains(/** @type {Node} */ (e.relatedTarget))) ctx.onPointer("focus", null);
    });
  }
  state.cards.push(ref);
  renderState(ref);
  return ref;
}

export function toggle(ref, open) {
  ref.open = open === undefined ? !ref.open : open;
  ref.parts.toggle.setAttribute("aria-expanded", String(ref.open));
  ref.el.classList.toggle("open", ref.open);
  if (ref.open && !ref.parts.body.firstChild) cardBody(ref, ACTIONS);
  ref.parts.body.hidden = !ref.open;
  if (ref.open) showHistory(ref);
}

// ---- decisions ---------------------------------------------------------------------------------

/** Post decisions of one subject; every card of each competency takes the answer. */
export function saveDecisions(ctx, decisions, message) {
  clearError();
  var done = busy(message);
  return api(ctx.decisionsPath, { method: "POST", body: { decisions: decisions },
    headers: { "Idempotency-Key": uuid() } })
    .then(function (res) {
      var saved = res.decisions || [];
      saved.forEach(function (d) { apply(ctx.subject, d); });
      stale(ctx.subject);
      if (ctx.afterSave) ctx.afterSave(saved);
      done(saved.length === 1 ? "Decision saved." : saved.length + " decisions saved.");
      return saved;
    })
    .catch(function (err) { done("Saving failed."); showError(err); throw err; });
}

function apply(subject, d) {
  cardsOf(subject, d.competency_id).forEach(function (ref) {
    if (d.action === "withdraw") return;
    ref.item.review = asReview(d);
    if (d.action !== "reject") ref.item.level = d.level || ref.item.suggested_level;
    if (ref.parts.select) ref.parts.select.checked = false;
    renderState(ref);
  });
}

function decide(ref, decision, message) {
  // a choice's button goes away with the bar: focus goes back to the card, not to the page
  var inBar = ref.parts.bar.contains(document.activeElement);
  closeBar(ref);
  if (inBar) ref.el.focus();
  state.lastDecided = ref;
  return saveDecisions(ref.ctx, [Object.assign({ competency_id: ref.item.competency_id }, decision)], message)
    .catch(function () { return null; });
}

export function accept(ref) {
  return decide(ref, { action: "accept" }, "Accepting " + ref.item.name + "…");
}
export function reject(ref, reason, comment) {
  var d = { action: "reject" };
  if (reason) d.reason_code = reason;
  if (comment) d.comment = comment;
  return decide(ref, d, "Rejecting " + ref.item.name + "…");
}
/** The suggested level is an accept; any other level is a modification. */
export function setLevel(ref, level) {
  if (level === ref.item.suggested_level) return decide(ref, { action: "accept", level: level }, "Accepting…");
  return decide(ref, { action: "modify", level: level }, "Setting level " + level + " for " + ref.item.name + "…");
}

/** Take back the card's last decision, then show what the server's log says stands now. */
export function undo(ref) {
  if (!ref.item.review) { showError(new ApiError(0, "nothing_to_undo", "")); return Promise.resolve(null); }
  var ctx = ref.ctx;
  return saveDecisions(ctx, [{ competency_id: ref.item.competency_id, action: "withdraw" }],
    "Undoing the last decision on " + ref.item.name + "…")
    .then(function () { return decisions(ctx); })
    .then(function (log) {
      var now = log.current;
      cardsOf(ctx.subject, ref.item.competency_id).forEach(function (r) {
        var d = now[r.item.competency_id] || null;
        if (r.item.added && !d) {  // the add itself was taken back: the card goes
          var li = r.el.closest("li");
          (li || r.el).remove();
          state.cards = state.cards.filter(function (c) { return c !== r; });
          return;
        }
        r.item.review = asReview(d);
        r.item.level = (d && d.action !== "reject" && d.level) || r.item.suggested_level;
        renderState(r);
      });
      if (ctx.afterSave) ctx.afterSave([]);
    })
    .catch(function () { return null; });
}

// ---- the choice bar: a reason for a rejection, or a level ---------------------------------------

export function openBar(ref, mode) {
  ref.mode = mode;
  choiceBar(ref, mode, ACTIONS);
  ref.parts.bar.hidden = false;
  ref.el.classList.add("choosing");
}
export function closeBar(ref) {
  ref.mode = "";
  ref.parts.bar.hidden = true;
  clear(ref.parts.bar);
  ref.el.classList.remove("choosing");
}

var ACTIONS = { accept: accept, reject: reject, setLevel: setLevel, undo: undo, openBar: openBar, closeBar: closeBar };

// ---- history -----------------------------------------------------------------------------------

function showHistory(ref) {
  var box = ref.parts.history;
  if (!box) return;
  decisions(ref.ctx).then(function (log) {
    var mine = log.history.filter(function (d) { return d.competency_id === ref.item.competency_id; }).reverse();
    clear(box);
    if (!mine.length) { box.appendChild(h("li", { class: "muted" }, "No decisions yet.")); return; }
    mine.forEach(function (d) {
      var what = (ACTION_WORDS[d.action] || d.action) + (d.level ? " at level " + d.level : "") +
        (d.reason_code ? " · " + d.reason_code.replace(/_/g, " ") : "") + (d.comment ? " · “" + d.comment + "”" : "");
      box.appendChild(h("li", null, what, h("span", { class: "muted" }, " — " + d.reviewer + ", " + fmtTime(d.at))));
    });
  }).catch(function () { /* the card still works without its history */ });
}

// @ts-check
/* Activities of a set (unmatched ones first): search the dictionary to add what was missed, or propose
 * a new competency. */
import { $, nextId, h, clear } from "./dom.js";
import { busy, showError, clearError, ApiError, api } from "./api.js";
import { AREAS, ASK, state } from "./state.js";
import { addBox } from "./search.js";

function levelSelect(id) {
  var sel = h("select", { id: id });
  sel.appendChild(h("option", { value: "" }, "Not set"));
  for (var l = 1; l <= 5; l++) sel.appendChild(h("option", { value: String(l) }, "Level " + l));
  return sel;
}

export function lines(textarea) {
  return textarea.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).slice(0, 20);
}

export function proposalForm(activity) {
  var base = nextId("p");
  var name = h("input", { id: base + "-name", type: "text", required: true, minlength: "3", maxlength: "200", autocomplete: "off" });
  var type = h("select", { id: base + "-type" });
  AREAS.forEach(function (a) { type.appendChild(h("option", { value: a, selected: a === "Functional" }, a)); });
  var level = levelSelect(base + "-level");
  var asks = {};
  ASK.forEach(function (t) { asks[t] = h("textarea", { id: base + "-" + t, rows: "2" }); });
  var rationale = h("textarea", { id: base + "-rationale", rows: "2", maxlength: "4000" });
  var result = h("p", { class: "proposal-result", "aria-live": "polite" });
  var submit = h("button", { type: "submit", class: "primary" }, "Propose");
  var form = h("form", { class: "proposal-form", novalidate: true },
    h("div", { class: "row" },
      h("div", { class: "field grow" }, h("label", { for: name.id }, "Name of the new competency"), name),
      h("div", { class: "field" }, h("label", { for: type.id }, "Type"), type),
      h("div", { class: "field" }, h("label", { for: level.id }, "Level"), level)),
    ASK.map(function (t) {
      return h("div", { class: "field" },
        h("label", { for: asks[t].id }, t.charAt(0).toUpperCase() + t.slice(1) + " statements (one per line)"), asks[t]);
    }),
    h("div", { class: "field" }, h("label", { for: rationale.id }, "Rationale"), rationale),
    h("div", { class: "actions" }, submit), result);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearError();
    if (name.value.trim().length < 3) {
      showError(new ApiError(0, "name_too_short", ""));
      name.focus();
      return;
    }
    var body = { activity_index: activity.index, name: name.value.trim(), type: type.value,
      ask: { attitude: lines(asks.attitude), skill: lines(asks.skill), knowledge: lines(asks.knowledge) },
      rationale: rationale.value.trim() };
    if (level.value) body.level = Number(level.value);
    submit.disabled = true;
    var done = busy("Sending your proposal…");
    api("/v1/suggestions/" + encodeURIComponent(state.set.id) + "/proposals", { method: "POST", body: body })
      .then(function (p) {
        result.textContent = "Proposed “" + p.name + "” (" + (p.status || "proposed") + ", id " + p.id + "). Curators will review it.";
        form.classList.add("done");
        done("Proposal sent.");
      })
      .catch(function (err) { done("The proposal was not sent."); showError(err); })
      .then(function () { submit.disabled = false; });
  });
  return form;
}

export var LANG_NAMES = { hi: "Hindi", mixed: "Hindi + English", other: "other language" };
/** One activity; `add` (when given) puts a dictionary search box on it. */
export function activityItem(a, unmatched, add) {
  var notRead = a.handled === false;
  return h("li", { class: "activity" + (unmatched ? " unmatched" : ""), dataset: { activity: String(a.index) } },
    h("p", null, h("span", { class: "act-num" }, "Activity " + (a.index + 1) + ": "),
      h("span", { lang: a.lang === "hi" ? "hi" : null }, a.text),
      a.lang && a.lang !== "en" ? h("span", { class: "state-badge state-lang" }, LANG_NAMES[a.lang] || a.lang) : null,
      notRead ? h("span", { class: "state-badge state-unmatched" }, "not read: language not handled") : null,
      unmatched ? h("span", { class: "state-badge state-unmatched" }, "unmatched") : null),
    h("div", { class: "activity-tools" },
      add && !notRead ? addBox({ label: "Add a competency", name: "to activity " + (a.index + 1),
        onPick: function (entry, query) { return add.onAdd(a, entry, query); }, taken: add.taken,
        onEscape: add.onEscape }) : null,
      h("details", { class: "propose" },
        h("summary", null, "Propose a new competency", h("span", { class: "visually-hidden" }, " for activity " + (a.index + 1))),
        proposalForm(a))));
}

/** onAdd(activity, entry, query) -> Promise<boolean>; taken(cid): already a card. */
export function renderActivities(set, onAdd, taken) {
  var add = { onAdd: onAdd, taken: taken, onEscape: function () {
    var back = state.lastDecided && state.lastDecided.el.isConnected ? state.lastDecided.el : document.querySelector("article.card");
    if (back) back.focus();
  } };
  var un = {};
  (set.unmatched || []).forEach(function (i) { un[i] = true; });
  var ul = $("unmatched-list");
  clear(ul);
  var acts = set.activities || [];
  acts.filter(function (a) { return un[a.index]; }).forEach(function (a) { ul.appendChild(activityItem(a, true, null)); });
  acts.filter(function (a) { return a.handled === false; }).forEach(function (a) { ul.appendChild(activityItem(a, false, null)); });
  // "Every activity matched" only when it is true: there were activities, all were read, and some matched
  if (!ul.firstChild) {
    var msg = !acts.length ? "No activities were found in this text: check that it lists duties, one per line or sentence."
      : !set.suggestions.length ? "No competency scored high enough for these activities."
      : "Every activity matched at least one competency.";
    ul.appendChild(h("li", { class: "empty" }, msg));
  }
  $("unmatched-section").hidden = ul.firstChild.classList.contains("empty") && acts.length > 0 && set.suggestions.length > 0;
  var ol = $("activity-list");
  clear(ol);
  acts.forEach(function (a) { ol.appendChild(activityItem(a, !!un[a.index], add)); });
}

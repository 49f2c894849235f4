// @ts-check
/* The parts of a review card built on demand: its details and controls, and the choice bar that asks
 * for a rejection's reason or a level. `act` holds the review component's actions. */
import { h, append, clear, nextId, fmtScore, fmtPct } from "./dom.js";
import { competency } from "./api.js";
import { ASK, REASONS } from "./state.js";

var cap = function (t) { return t.charAt(0).toUpperCase() + t.slice(1); };

export function cardBody(ref, act) {
  var item = ref.item, p = ref.parts;
  var desc = h("p", { class: "description" }, "Loading the description…");
  competency(item.competency_id).then(function (e) { desc.textContent = e.description; })
    .catch(function () { desc.textContent = ""; });
  var tags = (item.ask_tags || []).map(function (t) {
    return h("span", { class: "badge badge-" + t, title: cap(t) }, h("abbr", { "aria-hidden": "true" }, t.charAt(0).toUpperCase()), " " + t);
  });
  var askList = ASK.filter(function (t) { return item.ask && item.ask[t] && item.ask[t].length; }).map(function (t) {
    return h("li", null, h("strong", null, cap(t) + ": "), item.ask[t].join("; "));
  });
  var evidence = (item.evidence || []).map(function (e) {
    return h("li", null, h("q", null, e.text), " ",
      h("span", { class: "muted" }, "(activity " + (e.activity + 1) + ", score " + fmtScore(e.score) + ")"));
  });
  var why = (item.explanation || []).map(function (line) { return h("li", null, line); });
  var hidden = h("span", { class: "visually-hidden" }, " " + item.name);
  p.undo = h("button", { type: "button", class: "secondary btn-undo", disabled: !item.review,
    onclick: function () { act.undo(ref); } }, "Undo last decision", hidden.cloneNode(true));
  p.history = h("ol", { class: "history" });
  append(p.body, [
    desc,
    h("p", { class: "theme" }, item.competencyThemeName,
      item.competencySubThemeName && item.competencySubThemeName !== item.competencyThemeName
        ? " › " + item.competencySubThemeName : ""),
    h("div", { class: "badges", "aria-label": "ASK tags" }, tags.length ? tags : h("span", { class: "muted" }, "No ASK tags")),
    h("dl", { class: "facts" },
      h("div", null, h("dt", null, "Score"), h("dd", { class: "score" }, item.added ? "–" : fmtScore(item.score))),
      h("div", null, h("dt", null, "Confidence"), h("dd", null, item.added ? "–" : fmtPct(item.confidence))),
      h("div", null, h("dt", null, "Suggested level"), h("dd", { class: "suggested-level" }, String(item.suggested_level)))),
    why.length ? h("details", { class: "why" }, h("summary", null, "Why suggested"), h("ul", null, why)) : null,
    item.matched_text ? h("p", { class: "matched" }, h("span", { class: "label" }, "Matched dictionary text: "),
      h("q", null, item.matched_text)) : null,
    askList.length ? h("details", { class: "ask" }, h("summary", null, "ASK statements"), h("ul", null, askList)) : null,
    h("div", { class: "evidence" }, h("span", { class: "label" }, "Evidence in the job description:"),
      evidence.length ? h("ol", null, evidence) : h("p", { class: "muted" }, item.added ? "Added by a reviewer." : "None")),
    h("div", { class: "review-buttons", role: "group", "aria-label": "Review " + item.name },
      h("button", { type: "button", class: "btn-accept", onclick: function () { act.accept(ref); } },
        "Accept", hidden.cloneNode(true), h("kbd", { "aria-hidden": "true" }, "a")),
      h("button", { type: "button", class: "btn-reject", onclick: function () { act.openBar(ref, "reject"); } },
        "Reject…", hidden.cloneNode(true), h("kbd", { "aria-hidden": "true" }, "r")),
      h("button", { type: "button", class: "btn-modify", onclick: function () { act.openBar(ref, "level"); } },
        "Change level…", hidden.cloneNode(true), h("kbd", { "aria-hidden": "true" }, "m")),
      p.undo),
    h("h6", null, "History"), p.history]);
}

/** Choices with their number keys; a reason's button saves at once, with the comment typed so far. */
export function choiceBar(ref, mode, act) {
  var bar = ref.parts.bar, item = ref.item;
  clear(bar);
  var cancel = h("button", { type: "button", class: "secondary small", onclick: function () { act.closeBar(ref); ref.el.focus(); } },
    "Cancel", h("kbd", { "aria-hidden": "true" }, "Esc"));
  if (mode === "reject") {
    var cid = nextId("why");
    var comment = h("input", { type: "text", id: cid, maxlength: "2000", autocomplete: "off", class: "comment" });
    comment.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); act.reject(ref, comment.value.trim() ? "other" : "", comment.value.trim()); }
      if (e.key === "Escape") { e.preventDefault(); act.closeBar(ref); ref.el.focus(); }
    });
    ref.parts.comment = comment;
    append(bar, [
      h("p", { class: "bar-title" }, "Why reject " + item.name + "?"),
      h("div", { class: "choices" }, REASONS.map(function (r, i) {
        return h("button", { type: "button", class: "choice", dataset: { reason: r[0] },
          onclick: function () { act.reject(ref, r[0], comment.value.trim()); } },
          h("kbd", { "aria-hidden": "true" }, String(i + 1)), " " + r[1]);
      })),
      h("div", { class: "bar-row" },
        h("label", { for: cid }, "Comment ", h("span", { class: "optional" }, "(optional)")), comment,
        h("button", { type: "button", class: "secondary small", onclick: function () { act.reject(ref, "", comment.value.trim()); } },
          "No reason", h("kbd", { "aria-hidden": "true" }, "Enter")),
        cancel)]);
    return;
  }
  var buttons = [1, 2, 3, 4, 5].map(function (l) {
    var desc = h("span", { class: "level-descriptor" }, l === item.suggested_level && item.level_descriptor ? item.level_descriptor : "");
    return h("button", { type: "button", class: "choice" + (l === item.suggested_level ? " suggested" : ""),
      dataset: { level: String(l) }, onclick: function () { act.setLevel(ref, l); } },
      h("kbd", { "aria-hidden": "true" }, String(l)), " Level " + l + (l === item.suggested_level ? " (suggested)" : "") + ": ", desc);
  });
  competency(item.competency_id).then(function (e) {
    buttons.forEach(function (b, i) { b.querySelector(".level-descriptor").textContent = (e.levels || {})[String(i + 1)] || ""; });
  }).catch(function () { /* the numbers alone still work */ });
  append(bar, [h("p", { class: "bar-title" }, "Level for " + item.name), h("div", { class: "choices levels" }, buttons),
    h("div", { class: "bar-row" }, cancel)]);
}

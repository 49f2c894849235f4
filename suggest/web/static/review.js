// @ts-check
/* A suggestion card, its review state, and saving decisions (one or in bulk). */
import { $, nextId, h, append, clear, uuid, fmtScore, fmtPct, fmtTime } from "./dom.js";
import { busy, showError, clearError, api } from "./api.js";
import { ASK, REASONS, ACTION_WORDS, state } from "./state.js";

export function renderMeta() {
  var set = state.set;
  var reviewed = set.suggestions.filter(function (s) { return s.review; }).length;
  var parts = ["Set " + set.id];
  if (set.position) parts.push("position: " + set.position);
  if (set.department) parts.push("department: " + set.department);
  if (set.created_at) parts.push("created " + fmtTime(set.created_at));
  parts.push(reviewed + " of " + set.suggestions.length + " reviewed");
  $("set-meta").textContent = parts.join(" · ");
}

/** The evidence of the hovered card and of the card holding focus are highlighted together. */
export var pointer = { hover: null, focus: null };
export function setPointer(kind, cid, article, scroll) {
  pointer[kind] = cid;
  article.classList.toggle(kind === "hover" ? "is-active" : "is-focused", !!cid);
  var evidence = [];
  [pointer.hover, pointer.focus].forEach(function (id) {
    var c = id && state.cards[id];
    if (c) evidence = evidence.concat(c.suggestion.evidence || []);
  });
  var first = null;
  state.segments.forEach(function (seg) {
    var hit = evidence.some(function (e) { return e.start <= seg.start && seg.end <= e.end; });
    seg.el.classList.toggle("evidence-hl", hit);
    if (hit && !first) first = seg.el;
  });
  if (first && scroll) {
    var box = $("jd-view");
    if (box.scrollHeight > box.clientHeight) {
      var top = first.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
      if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 40) box.scrollTop = Math.max(0, top - 40);
    }
  }
}

export function levelSelect(id, selected, withNone) {
  var sel = h("select", { id: id });
  if (withNone) sel.appendChild(h("option", { value: "" }, "Not set"));
  for (var l = 1; l <= 5; l++) {
    sel.appendChild(h("option", { value: String(l), selected: l === selected }, "Level " + l));
  }
  return sel;
}

export function card(s) {
  var cid = s.competency_id;
  var base = nextId("c");
  var titleId = base + "-title";
  var select = h("input", { type: "checkbox", id: base + "-sel", class: "select-box", onchange: updateBulk,
    dataset: { competencyId: cid } });
  var level = levelSelect(base + "-level", (s.review && s.review.level) || s.suggested_level, false);
  var reason = h("select", { id: base + "-reason" });
  REASONS.forEach(function (r) {
    reason.appendChild(h("option", { value: r[0], selected: s.review && s.review.reason_code === r[0] }, r[1]));
  });
  var comment = h("input", { type: "text", id: base + "-comment", maxlength: "2000", autocomplete: "off",
    value: (s.review && s.review.comment) || null });
  var reviewState = h("p", { class: "review-state", "aria-live": "polite" });

  var tags = (s.ask_tags || []).map(function (t) {
    return h("span", { class: "badge badge-" + t, title: t.charAt(0).toUpperCase() + t.slice(1) },
      h("abbr", { "aria-hidden": "true" }, t.charAt(0).toUpperCase()), " " + t);
  });
  var askList = ASK.filter(function (t) { return s.ask && s.ask[t] && s.ask[t].length; }).map(function (t) {
    return h("li", null, h("strong", null, t.charAt(0).toUpperCase() + t.slice(1) + ": "), s.ask[t].join("; "));
  });
  var evidence = (s.evidence || []).map(function (e) {
    return h("li", null, h("q", null, e.text), " ",
      h("span", { class: "muted" }, "(activity " + (e.activity + 1) + ", score " + fmtScore(e.score) + ")"));
  });

  var saveWith = function (action) {
    return function () {
      var d = { competency_id: cid, action: action };
      if (action === "modify") d.level = Number(level.value);
      if (reason.value) d.reason_code = reason.value;
      if (comment.value.trim()) d.comment = comment.value.trim();
      saveDecisions([d], "Saving your decision on " + s.name + "…");
    };
  };

  var why = (s.explanation || []).map(function (line) { return h("li", null, line); });
  var article = h("article", { class: "card" + (s.low_confidence ? " low-confidence" : ""), "aria-labelledby": titleId,
    dataset: { competencyId: cid } },
    h("div", { class: "card-head" },
      h("div", { class: "select-wrap" }, select,
        h("label", { for: base + "-sel", class: "visually-hidden" }, "Select " + s.name + " for bulk accept")),
      h("h5", { id: titleId, class: "card-title" }, s.name, " ", h("code", { class: "cid" }, cid),
        s.low_confidence ? h("span", { class: "badge badge-low" }, "low confidence") : null)),
    h("p", { class: "theme" }, s.competencyThemeName,
      s.competencySubThemeName && s.competencySubThemeName !== s.competencyThemeName ? " › " + s.competencySubThemeName : ""),
    h("div", { class: "badges", "aria-label": "ASK tags" }, tags.length ? tags : h("span", { class: "muted" }, "No ASK tags")),
    h("dl", { class: "facts" },
      h("div", null, h("dt", null, "Score"), h("dd", { class: "score" }, fmtScore(s.score))),
      h("div", null, h("dt", null, "Confidence"), h("dd", { class: "confidence" }, fmtPct(s.confidence))),
      h("div", null, h("dt", null, "Suggested level"), h("dd", { class: "level" }, String(s.suggested_level)))),
    s.level_descriptor ? h("p", { class: "level-descriptor" }, h("span", { class: "label" },
      "Level " + s.suggested_level + " means: "), s.level_descriptor) : null,
    why.length ? h("details", { class: "why" }, h("summary", null, "Why suggested"), h("ul", null, why)) : null,
    h("p", { class: "matched" }, h("span", { class: "label" }, "Matched dictionary text: "), h("q", null, s.matched_text)),
    askList.length ? h("details", { class: "ask" }, h("summary", null, "ASK statements"), h("ul", null, askList)) : null,
    h("div", { class: "evidence" }, h("span", { class: "label" }, "Evidence in the job description:"),
      evidence.length ? h("ol", null, evidence) : h("p", { class: "muted" }, "None")),
    reviewState,
    h("fieldset", { class: "review" },
      h("legend", null, "Review"),
      h("div", { class: "review-fields" },
        h("div", { class: "field" }, h("label", { for: level.id }, "Level (for Modify)"), level),
        h("div", { class: "field" }, h("label", { for: reason.id }, "Reason"), reason),
        h("div", { class: "field grow" }, h("label", { for: comment.id }, "Comment"), comment)),
      h("div", { class: "review-buttons" },
        h("button", { type: "button", class: "btn-accept", onclick: saveWith("accept") }, "Accept"),
        h("button", { type: "button", class: "btn-reject", onclick: saveWith("reject") }, "Reject"),
        h("button", { type: "button", class: "btn-modify", onclick: saveWith("modify") }, "Modify level"))));

  article.addEventListener("mouseenter", function () { setPointer("hover", cid, article, false); });
  article.addEventListener("mouseleave", function () { setPointer("hover", null, article, false); });
  article.addEventListener("focusin", function () { setPointer("focus", cid, article, true); });
  article.addEventListener("focusout", function (e) {
    if (!article.contains(e.relatedTarget)) setPointer("focus", null, article, false);
  });

  state.cards[cid] = { el: article, select: select, reviewState: reviewState, level: level, reason: reason,
    comment: comment, suggestion: s };
  renderReview(cid);
  return article;
}

export function renderReview(cid) {
  var c = state.cards[cid];
  var r = c.suggestion.review;
  c.el.dataset.review = r ? r.action : "none";
  clear(c.reviewState);
  if (!r) { c.reviewState.textContent = "Not reviewed yet."; return; }
  var words = ACTION_WORDS[r.action] || r.action;
  var text = words;
  if (r.action !== "reject") text += " at level " + (r.level || c.suggestion.suggested_level);
  if (r.reason_code) text += " · reason: " + r.reason_code.replace(/_/g, " ");
  if (r.comment) text += " · “" + r.comment + "”";
  var by = [r.reviewer ? "by " + r.reviewer : "", r.at ? fmtTime(r.at) : ""].filter(Boolean).join(", ");
  append(c.reviewState, [h("span", { class: "state-badge state-" + r.action }, words),
    " " + text.slice(words.length) + (by ? " (" + by + ")" : "")]);
}

export function saveDecisions(decisions, message) {
  var set = state.set;
  if (!set) return Promise.resolve();
  clearError();
  var cards = decisions.map(function (d) { return state.cards[d.competency_id]; });
  var buttons = [];
  cards.forEach(function (c) {
    Array.prototype.forEach.call(c.el.querySelectorAll("button"), function (b) { if (!b.disabled) { b.disabled = true; buttons.push(b); } });
  });
  var done = busy(message);
  return api("/v1/suggestions/" + encodeURIComponent(set.id) + "/decisions",
    { method: "POST", body: { decisions: decisions }, headers: { "Idempotency-Key": uuid() } })
    .then(function (res) {
      (res.decisions || []).forEach(function (d) {
        var c = state.cards[d.competency_id];
        if (!c) return;
        c.suggestion.review = { action: d.action, level: d.level, ask_tag: d.ask_tag, reason_code: d.reason_code,
          comment: d.comment, reviewer: d.reviewer, at: d.at };
        c.select.checked = false;
        renderReview(d.competency_id);
      });
      renderMeta();
      updateBulk();
      var n = (res.decisions || []).length;
      done(n === 1 ? "Decision saved." : n + " decisions saved.");
    })
    .catch(function (err) { done("Saving failed."); showError(err); })
    .then(function () { buttons.forEach(function (b) { b.disabled = false; }); updateBulk(); });
}

export function selectedIds() {
  return Object.keys(state.cards).filter(function (cid) { return state.cards[cid].select.checked; });
}
export function updateBulk() {
  var n = selectedIds().length;
  var btn = $("accept-selected");
  btn.disabled = n === 0;
  btn.textContent = n ? "Accept selected (" + n + ")" : "Accept selected";
}
export function onAcceptSelected() {
  var ids = selectedIds();
  if (!ids.length) return;
  saveDecisions(ids.map(function (cid) { return { competency_id: cid, action: "accept" }; }),
    "Accepting " + ids.length + " competencies…");
}
export function onSelectUnreviewed() {
  Object.keys(state.cards).forEach(function (cid) {
    var c = state.cards[cid];
    c.select.checked = !c.suggestion.review;
  });
  updateBulk();
}

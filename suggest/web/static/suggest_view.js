// @ts-check
/* Suggesting: paste or upload a job description, then draw the set (notices, text, groups). */
import { $, nextId, h, clear } from "./dom.js";
import { busy, showError, clearError, ApiError, api } from "./api.js";
import { AREAS, state, setHashParam } from "./state.js";
import { renderMeta, pointer, card, updateBulk } from "./review.js";
import { renderActivities } from "./activities.js";

export function onSuggest(ev) {
  ev.preventDefault();
  clearError();
  var text = $("jd-text").value;
  if (!text.trim()) {
    showError(new ApiError(0, "empty_text", "Paste a job description or upload a file first."));
    $("jd-text").focus();
    return;
  }
  var body = { text: text };
  var position = $("position").value.trim();
  var department = $("department").value.trim();
  if (position) body.position = position;
  if (department) body.department = department;
  var lang = $("lang").value;
  if (lang && lang !== "auto") body.lang = lang;
  var btn = $("suggest-btn");
  btn.disabled = true;
  var done = busy("Finding competencies for this job description…");
  api("/v1/suggestions", { method: "POST", body: body })
    .then(function (set) {
      renderSet(set);
      setHashParam("set", set.id);
      done(set.suggestions.length + " competencies suggested.");
      $("h-results").setAttribute("tabindex", "-1");
      $("h-results").focus();
    })
    .catch(function (err) { done("Suggesting failed."); showError(err); })
    .then(function () { btn.disabled = false; });
}

export var loadingId = null;
export function loadSet(id) {
  if (loadingId === id) return Promise.resolve();
  loadingId = id;
  clearError();
  var done = busy("Loading suggestion set…");
  return api("/v1/suggestions/" + encodeURIComponent(id))
    .then(function (set) { renderSet(set); done("Suggestion set loaded."); })
    .catch(function (err) { done("Loading failed."); showError(err); })
    .then(function () { loadingId = null; });
}

// ---- file upload -------------------------------------------------------------------------------

export function onFile() {
  var input = $("jd-file");
  var file = input.files && input.files[0];
  if (!file) return;
  clearError();
  var form = new FormData();
  form.append("file", file, file.name);
  var done = busy("Reading " + file.name + "…");
  api("/v1/extract", { method: "POST", body: form })
    .then(function (res) {
      $("jd-text").value = res.text;
      done("Text from " + res.filename + " is in the box below. Check it, then choose Suggest.");
    })
    .catch(function (err) { done("Could not read the file."); showError(err); })
    .then(function () { input.value = ""; });
}

// ---- rendering the set -------------------------------------------------------------------------

export function renderSet(set) {
  state.set = set;
  state.cards = {};
  pointer.hover = pointer.focus = null;
  $("results").hidden = false;
  if (set.position && !$("position-name").value) $("position-name").value = set.position;
  renderMeta();
  renderNotices(set);
  renderJD(set);
  renderGroups(set);
  renderActivities(set);
  updateBulk();
}

/** What the reader must know about the input's languages (lines not read, untested languages). */
export function renderNotices(set) {
  var box = $("notices");
  clear(box);
  (set.notices || []).forEach(function (n) { box.appendChild(h("p", { class: "notice" }, n)); });
  box.hidden = !box.firstChild;
}

/** The text with one span per segment between activity/evidence boundaries. Offsets are code points
 *  (the server is Python), so the text is split into code points first. */
export function renderJD(set) {
  var view = $("jd-view");
  clear(view);
  var text = set.text || "";
  var cps = Array.from(text);
  var n = cps.length;
  var acts = (set.activities || []).slice().sort(function (a, b) { return a.start - b.start; });
  var ranges = acts.map(function (a) { return [a.start, a.end]; });
  set.suggestions.forEach(function (s) {
    (s.evidence || []).forEach(function (e) { ranges.push([e.start, e.end]); });
  });
  var cuts = { 0: true };
  cuts[n] = true;
  ranges.forEach(function (r) {
    if (r[0] >= 0 && r[0] <= n) cuts[r[0]] = true;
    if (r[1] >= 0 && r[1] <= n) cuts[r[1]] = true;
  });
  var points = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
  var unmatched = {};
  (set.unmatched || []).forEach(function (i) { unmatched[i] = true; });
  state.segments = [];
  for (var i = 0; i < points.length - 1; i++) {
    var a = points[i], b = points[i + 1];
    if (b <= a) continue;
    var piece = cps.slice(a, b).join("");
    var act = null;
    for (var j = 0; j < acts.length; j++) {
      if (acts[j].start <= a && b <= acts[j].end) { act = acts[j]; break; }
    }
    var inEvidence = ranges.some(function (r) { return r[0] <= a && b <= r[1]; });
    if (!act && !inEvidence) { view.appendChild(document.createTextNode(piece)); continue; }
    var span = h("span", {
      class: act ? "act" + (unmatched[act.index] ? " act-unmatched" : "") : "ev-only",
      title: act ? "Activity " + (act.index + 1) + (unmatched[act.index] ? " (unmatched)" : "") : null,
      dataset: act ? { activity: String(act.index) } : null
    }, piece);
    view.appendChild(span);
    state.segments.push({ start: a, end: b, el: span });
  }
}


export function renderGroups(set) {
  var groups = $("groups");
  clear(groups);
  var byArea = {};
  set.suggestions.forEach(function (s) {
    var area = AREAS.indexOf(s.competencyAreaName) >= 0 ? s.competencyAreaName : "Other";
    (byArea[area] = byArea[area] || []).push(s);
  });
  // cards by confidence within a group, groups by their best card; empty groups last
  var best = function (area) { return byArea[area] ? byArea[area][0].confidence : -1; };
  Object.keys(byArea).forEach(function (area) {
    byArea[area].sort(function (a, b) { return b.confidence - a.confidence; });
  });
  var order = AREAS.concat(["Other"]).slice().sort(function (a, b) { return best(b) - best(a); });
  order.forEach(function (area) {
    var items = byArea[area];
    if (area === "Other" && !items) return;
    var hid = nextId("h-area");
    var list = h("ul", { class: "cards" });
    (items || []).forEach(function (s) { list.appendChild(h("li", null, card(s))); });
    groups.appendChild(h("section", { class: "area area-" + area.toLowerCase(), "aria-labelledby": hid },
      h("h4", { id: hid }, area + " ", h("span", { class: "count" }, "(" + (items ? items.length : 0) + ")")),
      items ? list : h("p", { class: "empty" }, "No " + area.toLowerCase() + " competencies suggested.")));
  });
  if (!set.suggestions.length) {
    groups.appendChild(h("p", { class: "empty" }, "No competency scored above the threshold for this text."));
  }
}

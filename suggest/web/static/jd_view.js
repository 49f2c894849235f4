// @ts-check
/* The job description with its activities underlined, and the evidence of the hovered and the focused
 * card highlighted in it. */
import { $, h, clear } from "./dom.js";
import { state } from "./state.js";

/** One span per stretch between activity/evidence boundaries. Offsets are code points (the server is
 *  Python), so the text is split into code points first. */
export function renderJD(set) {
  var view = $("jd-view");
  clear(view);
  var cps = Array.from(set.text || "");
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

var pointer = { hover: null, focus: null };

/** Highlight the evidence of the hovered card and of the focused one; scroll the text to it on focus. */
export function point(kind, ref) {
  var old = pointer[kind];
  if (old) old.el.classList.remove(kind === "hover" ? "is-active" : "is-focused");
  pointer[kind] = ref;
  if (ref) ref.el.classList.add(kind === "hover" ? "is-active" : "is-focused");
  var evidence = [];
  [pointer.hover, pointer.focus].forEach(function (r) { if (r) evidence = evidence.concat(r.item.evidence || []); });
  var first = null;
  state.segments.forEach(function (seg) {
    var hit = evidence.some(function (e) { return e.start <= seg.start && seg.end <= e.end; });
    seg.el.classList.toggle("evidence-hl", hit);
    if (hit && !first) first = seg.el;
  });
  if (first && kind === "focus") {
    var box = $("jd-view");
    if (box.scrollHeight > box.clientHeight) {
      var top = first.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
      if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 40) box.scrollTop = Math.max(0, top - 40);
    }
  }
}
export function resetPointer() { pointer.hover = pointer.focus = null; }

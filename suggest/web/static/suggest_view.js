// @ts-check
/* The suggestion view: paste or upload a job description, then review its set of suggestions. */
import { $, h, clear, fmtTime } from "./dom.js";
import { busy, showError, clearError, ApiError, api, competency } from "./api.js";
import { state, forget, cardsOf } from "./state.js";
import { setHashParam } from "./router.js";
import { saveDecisions } from "./review.js";
import { cardList, prependCard, addedItem } from "./card_list.js";
import { byCompetency, replay, placements } from "./history.js";
import { renderJD, point, resetPointer } from "./jd_view.js";
import { renderActivities, LANG_NAMES } from "./activities.js";
import { overLimit, foldForm } from "./jd_form.js";

export function onSuggest(ev) {
  ev.preventDefault();
  clearError();
  var text = $("jd-text").value;
  if (!text.trim()) {
    showError(new ApiError(0, "empty_text_page", ""));
    $("jd-text").focus();
    return;
  }
  if (overLimit()) { showError(new ApiError(0, "text_over_limit", "")); $("jd-text").focus(); return; }
  var body = { text: text };
  var position = $("position").value.trim(), department = $("department").value.trim();
  if (position) body.position = position;
  if (department) body.department = department;
  var lang = $("lang").value;
  if (lang && lang !== "auto") body.lang = lang;
  var btn = $("suggest-btn");
  btn.disabled = true;
  var done = busy("Finding competencies for this job description…");
  api("/v1/suggestions", { method: "POST", body: body })
    .then(function (set) {
      renderSet(set, {}, {});
      setHashParam("set", set.id);
      done(summary(set));
      $("h-results").setAttribute("tabindex", "-1");
      $("h-results").focus();
    })
    .catch(function (err) { done("Suggesting failed."); showError(err); })
    .then(function () { btn.disabled = false; });
}

var loadingId = null;
/** Open a stored set (from the hash): its suggestions, its decisions, and the text, position and
 *  department it was made from, back in the form. */
export function loadSet(id) {
  if (loadingId === id) return Promise.resolve();
  loadingId = id;
  clearError();
  var done = busy("Loading suggestion set…");
  var path = "/v1/suggestions/" + encodeURIComponent(id);
  return Promise.all([api(path), api(path + "/decisions")])
    .then(function (both) {
      var set = both[0];
      $("jd-text").value = set.text || "";
      $("jd-text").dispatchEvent(new Event("input"));
      $("position").value = set.position || "";
      $("department").value = set.department || "";
      var log = both[1], all = log.history || [];
      renderSet(set, log.current ? byCompetency(log.current) : replay(all), placements(all, "activity_index"));
      done("Suggestion set loaded. " + summary(set));
    })
    .catch(function (err) { done("Loading failed."); showError(err); })
    .then(function () { loadingId = null; });
}

/** What the status line says after suggesting: never a bare "0 competencies" when lines went unread. */
function summary(set) {
  var acts = set.activities || [];
  var unread = acts.filter(function (a) { return a.handled === false; }).length;
  var n = set.suggestions.length;
  if (acts.length && unread === acts.length) return "Nothing was suggested: this text's language is not handled yet.";
  return n + " competencies suggested." + (unread ? " " + unread + " lines were not read (language not handled)." : "");
}

export function renderMeta() {
  var set = state.set;
  var refs = cardsOf("set:" + set.id);
  var reviewed = refs.filter(function (r) { return r.item.review; }).length;
  var parts = ["Set " + set.id];
  if (set.position) parts.push("position: " + set.position);
  if (set.department) parts.push("department: " + set.department);
  if (set.created_at) parts.push("created " + fmtTime(set.created_at));
  parts.push(reviewed + " of " + refs.length + " reviewed");
  $("set-meta").textContent = parts.join(" · ");
}

function setContext(set) {
  return {
    subject: "set:" + set.id, bulk: true,
    decisionsPath: "/v1/suggestions/" + encodeURIComponent(set.id) + "/decisions",
    onSelect: updateBulk, onPointer: point,
    afterSave: function () { renderMeta(); updateBulk(); },
    search: function (ref) {
      var ev = ref.item.evidence || [];
      var i = ev.length ? ev[0].activity : 0;
      return document.querySelector('#activity-list [data-activity="' + i + '"] input[data-add-box]');
    }
  };
}

/** Draw a set. `now` (competency id -> standing decision) and `placed` (competency id -> activity index of
 *  its add) bring back the competencies reviewers added. */
export function renderSet(set, now, placed) {
  if (state.set) forget("set:" + state.set.id);
  state.set = set;
  resetPointer();
  $("results").hidden = false;
  foldForm(set);
  if (set.position && !$("position-name").value) $("position-name").value = set.position;
  if (set.position && !$("roles-title").value) $("roles-title").value = set.position;
  if (set.department && !$("roles-department").value) $("roles-department").value = set.department;
  var ctx = setContext(set);
  var box = $("groups");
  clear(box);
  renderNotices(set);
  renderJD(set);
  var list = cardList(set.suggestions, ctx, "set:" + set.id);
  if (set.suggestions.length) box.appendChild(list);
  else box.appendChild(h("p", { class: "empty" }, emptyWords(set)));
  renderActivities(set, function (activity, entry, query) { return addToSet(ctx, list, box, activity, entry, query); },
    function (cid) { return cardsOf(ctx.subject, cid).length > 0; });
  Object.keys(now).forEach(function (cid) {
    var d = now[cid];
    if (!d || !(cid in placed) || cardsOf(ctx.subject, cid).length) return;
    var act = (set.activities || [])[placed[cid]];
    competency(cid).then(function (e) { showAdded(ctx, list, box, e, act, d); }).catch(showError);
  });
  renderMeta();
  updateBulk();
}

function emptyWords(set) {
  var acts = set.activities || [];
  var unread = acts.filter(function (a) { return a.handled === false; }).length;
  if (acts.length && unread === acts.length) return "No suggestions: none of the lines could be read (see the notice above).";
  return "No competency scored above the threshold for this text.";
}

/** A clear notice when lines went unread because of their language, above the server's own notes. */
export function renderNotices(set) {
  var box = $("notices");
  clear(box);
  var acts = set.activities || [];
  var unread = acts.filter(function (a) { return a.handled === false; });
  if (unread.length) {
    var langs = unread.map(function (a) { return LANG_NAMES[a.lang] || a.lang; })
      .filter(function (l, i, all) { return all.indexOf(l) === i; }).join(", ");
    var all = unread.length === acts.length;
    box.appendChild(h("div", { class: "lang-notice" },
      h("p", { class: "notice-title" }, all ? "This text could not be read: its language (" + langs + ") is not handled yet."
        : unread.length + " of " + acts.length + " lines could not be read: their language (" + langs + ") is not handled yet."),
      h("p", null, all ? "No competencies were suggested for it. Paste the job description in English, or ask an administrator to turn on reading of Hindi."
        : "The suggestions below come from the other lines only. The unread lines are marked in the list of activities.")));
  }
  (set.notices || []).forEach(function (n) { box.appendChild(h("p", { class: "notice" }, n)); });
  box.hidden = !box.firstChild;
}

function showAdded(ctx, list, box, entry, activity, d) {
  if (!list.isConnected) box.appendChild(list);
  var ev = activity ? [{ activity: activity.index, text: activity.text, start: activity.start, end: activity.end, score: null }] : [];
  var ref = prependCard(list, addedItem(entry, d, { evidence: ev }), ctx);
  renderMeta();
  return ref;
}

/** Add a dictionary competency the service missed, as a decision on one activity. */
function addToSet(ctx, list, box, activity, entry, query) {
  var have = cardsOf(ctx.subject, entry.id);
  if (have.length) {
    have[0].el.focus();
    $("status-text").textContent = entry.name + " is already in the list.";
    return Promise.resolve(true);
  }
  var comment = "Added from the dictionary search" + (query ? " (“" + query + "”)" : "") + " for activity " + (activity.index + 1);
  return saveDecisions(ctx, [{ competency_id: entry.id, action: "add", activity_index: activity.index, comment: comment }],
    "Adding " + entry.name + "…")
    .then(function (saved) {
      var ref = showAdded(ctx, list, box, entry, activity, saved[0]);
      ref.el.focus();
      $("status-text").textContent = entry.name + " added to activity " + (activity.index + 1) + ".";
      return true;
    })
    .catch(function () { return false; });
}

// ---- bulk accept -------------------------------------------------------------------------------

function selected() {
  return state.set ? cardsOf("set:" + state.set.id).filter(function (r) { return r.parts.select && r.parts.select.checked; }) : [];
}
export function updateBulk() {
  var n = selected().length;
  var btn = $("accept-selected");
  btn.disabled = n === 0;
  btn.textContent = n ? "Accept selected (" + n + ")" : "Accept selected";
}
export function onAcceptSelected() {
  var refs = selected();
  if (!refs.length) return;
  saveDecisions(refs[0].ctx, refs.map(function (r) { return { competency_id: r.item.competency_id, action: "accept" }; }),
    "Accepting " + refs.length + " competencies…").catch(function () { return null; });
}
export function onSelectUnreviewed() {
  if (!state.set) return;
  cardsOf("set:" + state.set.id).forEach(function (r) {
    if (r.parts.select && r.el.offsetParent !== null) r.parts.select.checked = !r.item.review;
  });
  updateBulk();
}

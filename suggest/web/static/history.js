// @ts-check
/* Decisions as the server logs them, per subject, fetched once and again after each save: every one
 * (`history`), and the one that stands on each competency (`current`: a position's own, else the one it
 * inherits from its suggestion set). */
import { api } from "./api.js";

var cache = {};

/** {history, current} of a subject; `current` is worked out from the history when a server lacks it. */
export function decisions(ctx) {
  if (!cache[ctx.subject]) {
    cache[ctx.subject] = api(ctx.decisionsPath).then(function (res) {
      var all = res.history || [];
      return { history: all, current: res.current ? byCompetency(res.current) : replay(all) };
    }).catch(function (err) { cache[ctx.subject] = null; throw err; });
  }
  return cache[ctx.subject];
}
export function stale(subject) { cache[subject] = null; }

/** competency id -> decision, from a list with one decision per competency. Pure. */
export function byCompetency(list) {
  var out = {};
  list.forEach(function (d) { out[d.competency_id] = d; });
  return out;
}

/** competency id -> the decision that stands (null when all were withdrawn): a withdrawal takes back the
 *  decision before it. Pure. */
export function replay(decisions) {
  var stacks = {};
  decisions.forEach(function (d) {
    var stack = stacks[d.competency_id] = stacks[d.competency_id] || [];
    if (d.action === "withdraw") stack.pop();
    else stack.push(d);
  });
  var out = {};
  Object.keys(stacks).forEach(function (cid) {
    var s = stacks[cid];
    out[cid] = s.length ? s[s.length - 1] : null;
  });
  return out;
}

/** competency id -> where reviewers added it (`key`: activity_index or role_id); later decisions on an
 *  added competency (a level, say) do not say where it sits, its add does. Pure. */
export function placements(history, key) {
  var out = {};
  history.forEach(function (d) {
    if (d.action === "add" && d[key] !== null && d[key] !== undefined) out[d.competency_id] = d[key];
  });
  return out;
}

/** The review a card shows for a standing decision. */
export function asReview(d) {
  return d ? { action: d.action, level: d.level, ask_tag: d.ask_tag, reason_code: d.reason_code, comment: d.comment,
    reviewer: d.reviewer, at: d.at, inherited_from: d.inherited_from || null } : null;
}

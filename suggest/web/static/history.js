// @ts-check
/* Decisions as the server logs them, per subject: fetched once and again after each save, and replayed
 * into what stands now. A withdrawal takes back the decision before it, so an undo can go back to
 * "not reviewed". */
import { api } from "./api.js";

var cache = {};

/** Every decision of a subject, oldest first. */
export function history(ctx) {
  if (!cache[ctx.subject]) {
    cache[ctx.subject] = api(ctx.decisionsPath).then(function (res) { return res.history || []; })
      .catch(function (err) { cache[ctx.subject] = null; throw err; });
  }
  return cache[ctx.subject];
}
export function stale(subject) { cache[subject] = null; }

/** competency id -> the decision that stands (null when all were withdrawn). Pure. */
export function standing(decisions) {
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

/** The review a card shows for a standing decision. */
export function asReview(d) {
  return d ? { action: d.action, level: d.level, ask_tag: d.ask_tag, reason_code: d.reason_code, comment: d.comment,
    reviewer: d.reviewer, at: d.at } : null;
}

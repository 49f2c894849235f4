// @ts-check
/* The one store of the page (what is open, the cards on screen) and the fixed vocabularies. */

export var KEY_STORE = "cde.apiKey";
export var AREAS = ["Behavioural", "Functional", "Domain"];
export var ASK = ["attitude", "skill", "knowledge"];

/** Cards below this confidence start folded behind a count, until someone decides on them: the one place
 *  the page's threshold lives. Fewer than 2 in 5 of these are accepted (the confidence is calibrated). */
export var FOLD_BELOW = 0.4;

/** Reasons for a rejection; the number is the key that picks it while a rejection is open. */
export var REASONS = [
  ["not_relevant", "Not relevant to this post"],
  ["duplicate", "Duplicate of another competency"],
  ["wrong_level", "Wrong level"],
  ["too_generic", "Too generic"],
  ["other", "Other (see comment)"]
];
export var ACTION_WORDS = { accept: "Accepted", reject: "Rejected", modify: "Modified", add: "Added",
  withdraw: "Withdrawn" };

/** The review keys, as the help panel and the legend show them. */
export var KEYS = [
  ["j / k", "next / previous card", "next/previous"],
  ["a", "accept", "accept"],
  ["r", "reject, then 1–5 for the reason (Enter: no reason)", "reject"],
  ["1–5", "set the level (the suggested level accepts)", "level"],
  ["u", "undo the card's last decision", "undo"],
  ["/", "search the dictionary to add a competency", "add"],
  ["Enter", "open or close the card's details", "details"],
  ["m", "show the levels with what each means", ""],
  ["Esc", "close, cancel, or back to the cards", ""],
  ["?", "show or hide this help", "all keys"]
];

/**
 * @typedef {{el: HTMLElement, item: any, ctx: any}} CardRef
 * @type {{set: any, segments: any[], cards: CardRef[], position: any, gapLevels: Object<string, number>,
 *         unfolded: Object<string, boolean>, lastDecided: CardRef|null}}
 */
export var state = { set: null, segments: [], cards: [], position: null, gapLevels: {}, unfolded: {},
  lastDecided: null };

/** Cards of one subject ("set:<id>" or "position:<id>"), and of one competency in it. */
export function cardsOf(subject, cid) {
  return state.cards.filter(function (c) {
    return c.ctx.subject === subject && (cid === undefined || c.item.competency_id === cid);
  });
}
export function forget(subject) {
  state.cards = state.cards.filter(function (c) { return c.ctx.subject !== subject; });
}

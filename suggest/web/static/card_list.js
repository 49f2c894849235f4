// @ts-check
/* A list of review cards, most confident first, with the weak ones nobody has decided on yet folded
 * behind a count. Reviewer-added cards come first: a reviewer put them there on purpose. */
import { h, append } from "./dom.js";
import { FOLD_BELOW, state } from "./state.js";
import { reviewCard } from "./review.js";
import { asReview } from "./history.js";

function order(a, b) {
  if (!!a.added !== !!b.added) return a.added ? -1 : 1;
  return (b.confidence || 0) - (a.confidence || 0);
}

/** `foldKey` names the list, so a list opened once stays open when it is drawn again. */
export function cardList(items, ctx, foldKey) {
  var ul = h("ul", { class: "cards" });
  var folded = [];
  items.slice().sort(order).forEach(function (item) {
    var ref = reviewCard(item, ctx);
    var li = h("li", null, ref.el);
    var weak = !item.added && !item.review && (item.confidence || 0) < FOLD_BELOW;
    if (weak && !state.unfolded[foldKey]) { li.hidden = true; folded.push(li); }
    ul.appendChild(li);
  });
  var box = h("div", { class: "card-list" }, ul);
  if (folded.length) {
    var more = h("button", { type: "button", class: "fold link", "aria-expanded": "false",
      onclick: function () {
        state.unfolded[foldKey] = true;
        folded.forEach(function (li) { li.hidden = false; });
        more.remove();
        var first = folded[0].querySelector("article");
        if (first) first.focus();
      } }, "Show " + folded.length + " more with low confidence");
    append(box, more);
  }
  return box;
}

/** A card for a competency a reviewer just added, at the top of its list. */
export function prependCard(listBox, item, ctx) {
  var ref = reviewCard(item, ctx);
  var ul = listBox.querySelector("ul.cards");
  ul.insertBefore(h("li", null, ref.el), ul.firstChild);
  return ref;
}

/** The card of a dictionary entry a reviewer added; `d` is the decision that stands on it. It has no
 *  suggested level: a level shows once a reviewer sets one. */
export function addedItem(entry, d, extra) {
  return Object.assign({ competency_id: entry.id, name: entry.name, competencyAreaName: entry.type,
    competencyThemeName: entry.theme, competencySubThemeName: entry.sub_theme || entry.name, ask: entry.ask,
    suggested_level: null, level: (d && d.action !== "reject" && d.level) || null, added: true,
    review: asReview(d), evidence: [] }, extra || {});
}

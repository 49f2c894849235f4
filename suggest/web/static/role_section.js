// @ts-check
/* One role of a position: rename, move and split activities; its competencies are review cards, and a
 * dictionary search adds what the service missed. */
import { nextId, h } from "./dom.js";
import { showError, ApiError } from "./api.js";
import { roleLabel, editRoles } from "./roles_view.js";
import { cardList } from "./card_list.js";
import { addBox } from "./search.js";

/** ctx: the position's review context, with addToRole(i, entry, query, listBox) and backToCards(). */
export function roleSection(pos, role, i, ctx) {
  var base = nextId("role");
  var hid = base + "-h";
  var label = roleLabel(role, i);
  var hidden = function (t) { return h("span", { class: "visually-hidden" }, " " + t); };
  var many = pos.roles.length > 1;

  var pick = h("input", { type: "checkbox", id: base + "-pick", class: "role-pick", dataset: { role: String(i) } });
  var nameInput = h("input", { type: "text", id: base + "-name", maxlength: "200", autocomplete: "off",
    value: role.name || null, dataset: { focusKey: "rename-input:" + i } });
  var renameForm = h("form", { class: "role-rename", novalidate: true },
    h("div", { class: "field grow" }, h("label", { for: nameInput.id }, "Role name", hidden("of role " + (i + 1))), nameInput),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary", dataset: { focusKey: "rename:" + i } },
      "Rename", hidden("role " + (i + 1)))));
  renameForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = nameInput.value.trim();
    if (!name) {
      showError(new ApiError(0, "invalid_name", "Type the new name of the role first."));
      return nameInput.focus();
    }
    editRoles({ op: "rename", role: i, name: name }, "Renaming the role…", "Role " + (i + 1) + " renamed.", i);
  });

  var splitBoxes = [];
  var acts = role.activities.map(function (a) {
    var box = h("input", { type: "checkbox", id: base + "-a" + a.index, class: "act-pick",
      dataset: { activity: String(a.index), focusKey: "act-pick:" + a.index } });
    splitBoxes.push(box);
    var move = null;
    if (many) {
      var sel = h("select", { id: base + "-mv" + a.index, dataset: { focusKey: "move-to:" + a.index } });
      pos.roles.forEach(function (other, j) {
        if (j !== i) sel.appendChild(h("option", { value: String(j) }, roleLabel(other, j)));
      });
      move = h("span", { class: "move" },
        h("label", { for: sel.id, class: "small-label" }, "Move to", hidden("(activity " + (a.index + 1) + ")")), sel,
        h("button", { type: "button", class: "secondary small", dataset: { focusKey: "move:" + a.index },
          onclick: function () {
            var to = Number(sel.value);
            editRoles({ op: "move", activity: a.index, to_role: to }, "Moving the activity…",
              "Activity " + (a.index + 1) + " moved to role " + (to + 1) + ".", to);
          } }, "Move", hidden("activity " + (a.index + 1))));
    }
    return h("li", { class: "role-activity", dataset: { activity: String(a.index) } },
      box, h("label", { for: box.id }, h("span", { class: "act-num" }, "Activity " + (a.index + 1) + ": "), a.text), move);
  });

  var splitName = h("input", { type: "text", id: base + "-split-name", maxlength: "200", autocomplete: "off",
    dataset: { focusKey: "split-name:" + i } });
  var splitBtn = h("button", { type: "button", class: "secondary", dataset: { focusKey: "split:" + i },
    onclick: function () {
      var chosen = splitBoxes.filter(function (b) { return b.checked; }).map(function (b) { return Number(b.dataset.activity); });
      if (!chosen.length) {
        showError(new ApiError(0, "no_activities", "Tick the activities to split off into a new role first."));
        return splitBoxes[0] && splitBoxes[0].focus();
      }
      var edit = { op: "split", role: i, activities: chosen };
      if (splitName.value.trim()) edit.name = splitName.value.trim();
      editRoles(edit, "Splitting the role…", chosen.length + " activities split into a new role " + (i + 2) + ".", i + 1);
    } }, "Split selected into a new role", hidden("(from role " + (i + 1) + ")"));

  var items = role.competencies.map(function (c) { return Object.assign(c, { level: c.required_level, role: i }); });
  var list = cardList(items, ctx, "position:" + pos.id + ":" + i);
  var add = addBox({ label: "Add a competency", name: "to " + label,
    onPick: function (entry, query) { return ctx.addToRole(i, entry, query, list); },
    taken: function (cid) { return !!list.querySelector('article[data-competency-id="' + cid + '"]'); },
    onEscape: ctx.backToCards });
  return h("section", { class: "role subpanel", "aria-labelledby": hid, dataset: { role: String(i) } },
    h("div", { class: "role-head" },
      h("span", { class: "select-wrap" }, pick, h("label", { for: pick.id, class: "visually-hidden" }, "Select " + label + " to merge")),
      h("h4", { id: hid, tabindex: "-1", class: "role-name", dataset: { roleHeading: String(i) } }, label)),
    role.section && role.section !== role.name ? h("p", { class: "help" }, "From the heading “" + role.section + "”") : null,
    renameForm,
    h("h5", null, "Activities"),
    h("ul", { class: "role-activities" }, acts),
    role.activities.length > 1 ? h("div", { class: "row split-row" },
      h("div", { class: "field grow" }, h("label", { for: splitName.id }, "Name of the new role ",
        h("span", { class: "optional" }, "(optional)"), hidden("split from role " + (i + 1))), splitName),
      h("div", { class: "actions" }, splitBtn)) : null,
    h("h5", null, "Competencies"),
    items.length ? null : h("p", { class: "empty" }, "No competency matched these activities."),
    list, h("div", { class: "role-add" }, add));
}

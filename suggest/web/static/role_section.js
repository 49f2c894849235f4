// @ts-check
/* One role of a position: rename, move and split activities, and its competencies' reviews. */
import { nextId, h, fmtScore, fmtPct, fmtTime } from "./dom.js";
import { showError, ApiError } from "./api.js";
import { REASONS, ACTION_WORDS } from "./state.js";
import { roleLabel, editRoles, saveRoleDecision } from "./roles_view.js";

export function reviewText(c) {
  var r = c.review;
  if (!r) return ["Not reviewed yet."];
  var words = ACTION_WORDS[r.action] || r.action;
  var text = "";
  if (r.action !== "reject") text += " at level " + c.required_level;
  if (r.reason_code) text += " · reason: " + r.reason_code.replace(/_/g, " ");
  if (r.comment) text += " · “" + r.comment + "”";
  var by = [r.reviewer ? "by " + r.reviewer : "", r.at ? fmtTime(r.at) : ""].filter(Boolean).join(", ");
  return [h("span", { class: "state-badge state-" + r.action }, words), text + (by ? " (" + by + ")" : "")];
}

export function roleCompetency(c, i) {
  var base = nextId("rc");
  var key = i + ":" + c.competency_id;
  var r = c.review || {};
  var level = h("select", { id: base + "-level", dataset: { focusKey: key + ":level" } });
  for (var l = 1; l <= 5; l++) level.appendChild(h("option", { value: String(l), selected: l === c.required_level }, "Level " + l));
  var reason = h("select", { id: base + "-reason", dataset: { focusKey: key + ":reason" } });
  REASONS.forEach(function (x) { reason.appendChild(h("option", { value: x[0], selected: (r.reason_code || "") === x[0] }, x[1])); });
  var comment = h("input", { type: "text", id: base + "-comment", maxlength: "2000", autocomplete: "off",
    value: r.comment || null, dataset: { focusKey: key + ":comment" } });
  var decide = function (action, withLevel) {
    return function () {
      var d = { competency_id: c.competency_id, action: action };
      if (withLevel) d.level = Number(level.value);
      if (reason.value) d.reason_code = reason.value;
      if (comment.value.trim()) d.comment = comment.value.trim();
      saveRoleDecision(d, c.name);
    };
  };
  var hidden = function (t) { return h("span", { class: "visually-hidden" }, " " + t); };
  // the same evidence and confidence a suggestion card shows: a reviewer decides from the lines, not the name
  var evidence = (c.evidence || []).map(function (e) {
    return h("li", null, h("q", null, e.text), " ",
      h("span", { class: "muted" }, "(activity " + (e.activity + 1) + ", score " + fmtScore(e.score) + ")"));
  });
  return h("li", { class: "role-comp" + (c.low_confidence ? " low-confidence" : ""),
    dataset: { competencyId: c.competency_id, review: r.action || "none" } },
    h("p", { class: "role-comp-head" }, h("strong", { class: "comp-name" }, c.name), " ",
      h("code", { class: "cid" }, c.competency_id),
      h("span", { class: "muted comp-levels" }, (c.competencyAreaName ? " · " + c.competencyAreaName : "") +
        " · suggested level " + c.suggested_level + " · required level "),
      h("strong", { class: "required-level" }, String(c.required_level))),
    h("p", { class: "role-comp-confidence" }, "Confidence ",
      h("strong", { class: "confidence" }, typeof c.confidence === "number" ? fmtPct(c.confidence) : "–"),
      c.low_confidence ? h("span", { class: "badge badge-low" }, "low confidence") : null),
    h("div", { class: "evidence" }, h("span", { class: "label" }, "Evidence in this role:"),
      evidence.length ? h("ol", null, evidence) : h("p", { class: "muted" }, "None")),
    h("p", { class: "review-state" }, reviewText(c)),
    h("fieldset", { class: "review compact" },
      h("legend", { class: "visually-hidden" }, "Review " + c.name),
      h("div", { class: "field" }, h("label", { for: level.id }, "Required level", hidden("for " + c.name)), level),
      h("div", { class: "field" }, h("label", { for: reason.id }, "Reason", hidden("for " + c.name)), reason),
      h("div", { class: "field grow" }, h("label", { for: comment.id }, "Comment", hidden("on " + c.name)), comment),
      h("div", { class: "review-buttons" },
        h("button", { type: "button", class: "btn-accept", onclick: decide("accept", false),
          dataset: { focusKey: key + ":accept" } }, "Accept", hidden(c.name)),
        h("button", { type: "button", class: "btn-reject", onclick: decide("reject", false),
          dataset: { focusKey: key + ":reject" } }, "Reject", hidden(c.name)),
        h("button", { type: "button", class: "btn-modify", onclick: decide("accept", true),
          dataset: { focusKey: key + ":accept-level" } }, "Accept at level", hidden("for " + c.name)))));
}

export function roleSection(pos, role, i) {
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

  var comps = role.competencies.map(function (c) { return roleCompetency(c, i); });
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
    comps.length ? h("ul", { class: "role-comps" }, comps) : h("p", { class: "empty" }, "No competency matched these activities."));
}

// @ts-check
/* The training needs (gap) report of a position with roles. */
import { nextId, h, append, clear, slug, download } from "./dom.js";
import { busy, showError, clearError, api } from "./api.js";
import { state } from "./state.js";
import { rolesPath, lockRoles } from "./roles_view.js";

export var GAP_LEVELS = [[0, "0 – not held"], [1, "1"], [2, "2"], [3, "3"], [4, "4"], [5, "5"]];

export function acceptedCompetencies(pos) {
  var seen = {}, out = [];
  pos.roles.forEach(function (role) {
    role.competencies.forEach(function (c) {
      var a = (c.review || {}).action;
      if (a !== "accept" && a !== "modify") return;
      if (seen[c.competency_id]) { seen[c.competency_id].required_level = Math.max(seen[c.competency_id].required_level, c.required_level); return; }
      seen[c.competency_id] = { competency_id: c.competency_id, name: c.name, required_level: c.required_level };
      out.push(seen[c.competency_id]);
    });
  });
  return out;
}

export function gapSection(pos) {
  var items = acceptedCompetencies(pos);
  var sec = h("section", { class: "subpanel gap", "aria-labelledby": "h-gap" },
    h("h4", { id: "h-gap" }, "Training needs (gap report)"),
    h("p", { class: "help" }, "Set an official's current level for each accepted competency (0 = not held), then see what training would close the gap."));
  if (!items.length) {
    sec.appendChild(h("p", { class: "empty" }, "No accepted competencies yet: accept some above to include them here."));
    return sec;
  }
  var selects = {};
  var tbody = h("tbody", null, items.map(function (c) {
    var id = nextId("gap");
    var sel = h("select", { id: id, dataset: { competencyId: c.competency_id, focusKey: "gap:" + c.competency_id },
      onchange: function () { state.gapLevels[c.competency_id] = Number(sel.value); } });
    var cur = state.gapLevels[c.competency_id] || 0;
    GAP_LEVELS.forEach(function (g) { sel.appendChild(h("option", { value: String(g[0]), selected: g[0] === cur }, g[1])); });
    selects[c.competency_id] = sel;
    return h("tr", { dataset: { competencyId: c.competency_id } },
      h("th", { scope: "row" }, c.name, " ", h("code", { class: "cid" }, c.competency_id)),
      h("td", null, String(c.required_level)),
      h("td", null, h("label", { for: id, class: "visually-hidden" }, "Current level for " + c.name), sel));
  }));
  var result = h("div", { id: "gap-result", class: "gap-result" });
  var levels = function () {
    var out = {};
    Object.keys(selects).forEach(function (cid) { out[cid] = Number(selects[cid].value); });
    return out;
  };
  var form = h("form", { id: "gap-form", novalidate: true },
    h("div", { class: "table-wrap" }, h("table", null,
      h("caption", { class: "visually-hidden" }, "Current level per accepted competency"),
      h("thead", null, h("tr", null, ["Competency", "Required level", "Current level"].map(function (t) {
        return h("th", { scope: "col" }, t);
      }))), tbody)),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", id: "gap-show", dataset: { focusKey: "gap-show" } }, "Show training needs"),
      h("button", { type: "button", class: "secondary", id: "gap-csv", dataset: { focusKey: "gap-csv" }, onclick: function () {
        clearError();
        var unlock = lockRoles();
        var done = busy("Preparing the training needs CSV…");
        api(rolesPath("/gap?format=csv"), { method: "POST", body: { levels: levels() }, raw: true, accept: "text/csv" })
          .then(function (res) { return res.text(); })
          .then(function (text) {
            download(new Blob([text], { type: "text/csv;charset=utf-8" }), slug(state.position.title) + "-training-needs.csv");
            done("Training needs CSV ready: your browser is downloading it.");
          })
          .catch(function (err) { done("The CSV download failed."); showError(err); })
          .then(unlock);
      } }, "Download CSV")));
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearError();
    var unlock = lockRoles();
    var done = busy("Working out training needs…");
    api(rolesPath("/gap"), { method: "POST", body: { levels: levels() } })
      .then(function (res) {
        renderGap(result, res.items || []);
        done((res.items || []).length + " training needs found.");
      })
      .catch(function (err) { done("The gap report failed."); showError(err); })
      .then(unlock);
  });
  append(sec, [form, result]);
  return sec;
}

export function renderGap(box, items) {
  clear(box);
  box.appendChild(h("h5", { id: "h-gap-result", tabindex: "-1" }, "Training needs, biggest gap first"));
  if (!items.length) {
    box.appendChild(h("p", { class: "empty" }, "No training needs: the current levels meet every required level."));
    return;
  }
  var tbody = h("tbody", null, items.map(function (it) {
    return h("tr", { dataset: { competencyId: it.competency_id } },
      h("th", { scope: "row" }, it.name || it.competency_id, " ", h("code", { class: "cid" }, it.competency_id)),
      h("td", { class: "gap-current" }, String(it.current_level)),
      h("td", { class: "gap-required" }, String(it.required_level)),
      h("td", { class: "gap-gap" }, String(it.gap)),
      h("td", { class: "gap-activities" }, String(it.activity_count)),
      h("td", null, (it.levels_to_reach || []).length ? h("ul", { class: "levels-to-reach" }, it.levels_to_reach.map(function (s) {
        return h("li", null, h("strong", null, "Level " + s.level + ": "), s.descriptor || "(no descriptor)");
      })) : ""));
  }));
  box.appendChild(h("div", { class: "table-wrap" }, h("table", { class: "gap-table" },
    h("caption", { class: "visually-hidden" }, "Training needs"),
    h("thead", null, h("tr", null, ["Competency", "Current", "Required", "Gap", "Activities", "Levels to reach"].map(function (t) {
      return h("th", { scope: "col" }, t);
    }))), tbody)));
}

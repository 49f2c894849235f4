// @ts-check
/* The position view: accepted competencies for a position name, and its exports. */
import { $, h, clear, slug, download } from "./dom.js";
import { busy, showError, clearError, ApiError, api } from "./api.js";
import { ACTION_WORDS } from "./state.js";

export function positionPath(fmt) {
  var p = $("position-name").value.trim();
  if (!p) return null;
  return "/v1/mappings/" + encodeURIComponent(p) + "/competencies" + (fmt ? "?format=" + fmt : "");
}
export function needPosition() {
  showError(new ApiError(0, "no_position", "Type a position name first."));
  $("position-name").focus();
}

export function onLoadPosition(ev) {
  if (ev) ev.preventDefault();
  clearError();
  var path = positionPath();
  if (!path) return needPosition();
  var done = busy("Loading the mapping…");
  api(path).then(function (res) {
    renderPosition(res);
    done("Mapping loaded: " + res.competencies.length + " competencies.");
  }).catch(function (err) { done("Loading the mapping failed."); showError(err); });
}

export function renderPosition(res) {
  var view = $("position-view");
  clear(view);
  var items = res.competencies || [];
  view.appendChild(h("h3", null, "Accepted competencies for " + res.position));
  if (!items.length) {
    view.appendChild(h("p", { class: "empty" }, "No accepted competencies for this position yet."));
    return;
  }
  var tbody = h("tbody");
  items.forEach(function (m) {
    var r = m.review || {};
    tbody.appendChild(h("tr", { dataset: { competencyId: m.competency_id } },
      h("th", { scope: "row" }, m.name), h("td", null, h("code", null, m.competency_id)),
      h("td", null, m.competencyAreaName), h("td", null, String(m.required_level || "")),
      h("td", null, ACTION_WORDS[r.action] || r.action || ""), h("td", null, r.reviewer || "")));
  });
  view.appendChild(h("div", { class: "table-wrap" }, h("table", null,
    h("caption", { class: "visually-hidden" }, "Accepted competencies for " + res.position),
    h("thead", null, h("tr", null, ["Competency", "ID", "Type", "Required level", "Decision", "Reviewer"].map(function (c) {
      return h("th", { scope: "col" }, c);
    }))), tbody)));
}

export function onExport(fmt) {
  return function () {
    clearError();
    var path = positionPath(fmt);
    if (!path) return needPosition();
    var name = slug($("position-name").value.trim());
    var done = busy("Preparing the " + fmt.toUpperCase() + " export…");
    api(path, { raw: true, accept: fmt === "csv" ? "text/csv" : "application/json" })
      .then(function (res) { return fmt === "csv" ? res.text() : res.json(); })
      .then(function (data) {
        if (fmt === "csv") download(new Blob([data], { type: "text/csv;charset=utf-8" }), name + ".csv");
        else download(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }), name + "-igot.json");
        done("Export ready: your browser is downloading it.");
      })
      .catch(function (err) { done("The export failed."); showError(err); });
  };
}

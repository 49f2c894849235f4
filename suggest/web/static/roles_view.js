// @ts-check
/* The roles view: create or load a position, edit its roles, review each role's competencies (with the
 * shared review cards), see training needs, export. */
import { $, h, clear, slug, download } from "./dom.js";
import { busy, showError, clearError, ApiError, api, competency } from "./api.js";
import { state, forget, cardsOf } from "./state.js";
import { setHashParam } from "./router.js";
import { roleSection } from "./role_section.js";
import { gapSection } from "./gap.js";
import { saveDecisions, levelOf } from "./review.js";
import { prependCard, addedItem } from "./card_list.js";
import { decisions, placements } from "./history.js";

export function rolesPath(suffix) {
  return "/v1/positions/" + encodeURIComponent(state.position.id) + (suffix || "");
}
export function roleLabel(role, i) { return "Role " + (i + 1) + (role.name ? ": " + role.name : ""); }

/** Every button of the roles view off while a request runs, so nothing is sent twice. What had
 *  focus is noted first: a disabled button may lose it, and the view is drawn again afterwards. */
export var pendingFocus = null;
export function lockRoles() {
  var active = document.activeElement;
  pendingFocus = active && $("roles-view").contains(active) ? (active.dataset.focusKey || "") : null;
  var off = [];
  Array.prototype.forEach.call($("roles-view").querySelectorAll("button"), function (b) {
    if (!b.disabled) { b.disabled = true; off.push(b); }
  });
  $("create-roles").disabled = true;
  $("roles-view").setAttribute("aria-busy", "true");
  return function unlock() {
    off.forEach(function (b) { if (b.isConnected) b.disabled = false; });
    $("create-roles").disabled = false;
    $("roles-view").removeAttribute("aria-busy");
  };
}

/** Draw the position again; when focus was in the view, put it on the given role's heading, else
 *  back on the control that had it (found by its focus key), else on the position's heading. */
export function showPosition(pos, focusRole) {
  var key = pendingFocus;
  pendingFocus = null;
  renderRoles(pos);
  if (key === null) return;
  var view = $("roles-view");
  var target = focusRole !== undefined && focusRole !== null
    ? view.querySelector('[data-role-heading="' + focusRole + '"]') : null;
  if (!target && key) target = view.querySelector('[data-focus-key="' + key + '"]');
  (target || $("roles-heading")).focus();
}

export function onCreateRoles(ev) {
  ev.preventDefault();
  clearError();
  var title = $("roles-title").value.trim(), dept = $("roles-department").value.trim();
  var text = $("jd-text").value;
  if (!title || !dept || !text.trim()) {
    showError(new ApiError(0, "missing_fields", ""));
    return (!title ? $("roles-title") : !dept ? $("roles-department") : $("jd-text")).focus();
  }
  var body = { title: title, department: dept, text: text };
  if ($("roles-ministry").value.trim()) body.ministry = $("roles-ministry").value.trim();
  // built from the suggestion set on screen: the position shows that set's decisions until it has its own
  if (state.set && text.normalize("NFC") === state.set.text) body.set_id = state.set.id;
  var unlock = lockRoles();
  var done = busy("Grouping activities into roles…");
  api("/v1/positions", { method: "POST", body: body })
    .then(function (pos) {
      state.gapLevels = {};
      renderRoles(pos);
      setHashParam("position", pos.id);
      done("Position created with " + pos.roles.length + " roles.");
      $("roles-heading").focus();
    })
    .catch(function (err) { done("Creating the position failed."); showError(err); })
    .then(unlock);
}

export var loadingPosition = null;
export function loadRolesPosition(id) {
  if (loadingPosition === id) return Promise.resolve();
  loadingPosition = id;
  var done = busy("Loading the position…");
  return api("/v1/positions/" + encodeURIComponent(id))
    .then(function (pos) {
      if (!state.position || state.position.id !== pos.id) state.gapLevels = {};
      renderRoles(pos);
      done("Position loaded: " + pos.roles.length + " roles.");
    })
    .catch(function (err) { done("Loading the position failed."); showError(err); })
    .then(function () { loadingPosition = null; });
}

/** One role edit; the server answers with the whole position, which is drawn again. */
export function editRoles(edit, message, doneText, focusRole) {
  if (!state.position) return;
  clearError();
  edit.revision = state.position.revision;
  var unlock = lockRoles();
  var done = busy(message);
  api(rolesPath("/edits"), { method: "POST", body: edit })
    .then(function (pos) {
      unlock();
      showPosition(pos, edit.op === "rename" ? null : focusRole);
      done(doneText + " The position is now at revision " + pos.revision + ".");
    })
    .catch(function (err) {
      unlock();
      done("The change was not saved.");
      showError(err);
      // someone else changed it: show what is there now, so the next try starts from it
      if (err && err.code === "revision_conflict") loadRolesPosition(state.position.id);
    });
}

export function exportRoles(fmt) {
  return function () {
    if (!state.position) return;
    clearError();
    var unlock = lockRoles();
    var done = busy("Preparing the " + fmt.toUpperCase() + " export…");
    api(rolesPath("/export?format=" + fmt), { raw: true })
      .then(function (res) { return res.json(); })
      .then(function (data) {
        download(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }),
          slug(state.position.title) + "-" + fmt + ".json");
        done("Export ready: your browser is downloading it.");
      })
      .catch(function (err) { done("The export failed."); showError(err); })
      .then(unlock);
  };
}

export function renderRoles(pos) {
  state.position = pos;
  if (!$("roles-title").value) $("roles-title").value = pos.title || "";
  if (!$("roles-department").value) $("roles-department").value = pos.department || "";
  var view = $("roles-view");
  clear(view);
  var meta = ["Position " + pos.id, "revision " + pos.revision];
  if (pos.department) meta.push("department: " + pos.department);
  if (pos.ministry) meta.push("ministry: " + pos.ministry);
  view.appendChild(h("h3", { id: "roles-heading", tabindex: "-1" }, pos.title));
  view.appendChild(h("p", { class: "meta", id: "roles-meta" }, meta.join(" · ")));

  var mergeName = h("input", { type: "text", id: "merge-name", maxlength: "200", autocomplete: "off",
    dataset: { focusKey: "merge-name" } });
  var mergeBtn = h("button", { type: "button", id: "merge-roles", class: "secondary", dataset: { focusKey: "merge" },
    onclick: function () {
      var picked = Array.prototype.map.call(view.querySelectorAll("input.role-pick:checked"),
        function (b) { return Number(b.dataset.role); });
      if (picked.length < 2) {
        showError(new ApiError(0, "too_few_roles", "Tick at least two roles to merge."));
        var first = view.querySelector("input.role-pick");
        return first && first.focus();
      }
      var edit = { op: "merge", roles: picked };
      if (mergeName.value.trim()) edit.name = mergeName.value.trim();
      editRoles(edit, "Merging " + picked.length + " roles…", picked.length + " roles merged into role " + (Math.min.apply(null, picked) + 1) + ".",
        Math.min.apply(null, picked));
    } }, "Merge selected");
  if (pos.roles.length > 1) {
    view.appendChild(h("div", { class: "row merge-row", role: "group", "aria-label": "Merge roles" },
      h("div", { class: "field grow" }, h("label", { for: mergeName.id }, "Name of the merged role ",
        h("span", { class: "optional" }, "(optional)")), mergeName),
      h("div", { class: "actions" }, mergeBtn)));
    view.appendChild(h("p", { class: "help" }, "To merge roles, tick the box next to each role's heading, then choose Merge selected."));
  }
  forget("position:" + pos.id);
  var ctx = positionContext(pos);
  pos.roles.forEach(function (role, i) { view.appendChild(roleSection(pos, role, i, ctx)); });
  view.appendChild(gapSection(pos));
  showAddedToRoles(pos, ctx);
  view.appendChild(h("section", { class: "subpanel", "aria-labelledby": "h-roles-export" },
    h("h4", { id: "h-roles-export" }, "Export"),
    h("p", { class: "help" }, "Only accepted competencies are exported, each at its required level."),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "export-frac", class: "secondary", onclick: exportRoles("frac"),
        dataset: { focusKey: "export-frac" } }, "Export FRAC JSON"),
      h("button", { type: "button", id: "export-igot-roles", class: "secondary", onclick: exportRoles("igot"),
        dataset: { focusKey: "export-igot" } }, "Export iGOT JSON"))));
}

// ---- review ------------------------------------------------------------------------------------

function positionContext(pos) {
  var ctx = {
    subject: "position:" + pos.id, decisionsPath: rolesPath("/decisions"),
    // the gap report lists accepted competencies at their levels: draw it again after each decision
    afterSave: function () {
      cardsOf(ctx.subject).forEach(function (r) { r.item.required_level = levelOf(r.item); });
      var gap = $("roles-view").querySelector("section.gap");
      if (gap) gap.replaceWith(gapSection(pos));
    },
    search: function (ref) {
      var role = ref.el.closest("section.role");
      return role ? role.querySelector("input[data-add-box]") : null;
    },
    backToCards: function () {
      var back = state.lastDecided && state.lastDecided.el.isConnected ? state.lastDecided.el
        : $("roles-view").querySelector("article.card");
      if (back) back.focus();
    },
    addToRole: function (i, entry, query, list) {
      if (list.querySelector('article[data-competency-id="' + entry.id + '"]')) {
        /** @type {HTMLElement} */ (list.querySelector('article[data-competency-id="' + entry.id + '"]')).focus();
        return Promise.resolve(true);
      }
      var comment = "Added from the dictionary search" + (query ? " (“" + query + "”)" : "") + " for role " + (i + 1);
      return saveDecisions(ctx, [{ competency_id: entry.id, action: "add", role_id: i, comment: comment }],
        "Adding " + entry.name + "…")
        .then(function (saved) {
          var ref = prependCard(list, addedItem(entry, saved[0], { role: i }), ctx);
          ref.el.focus();
          return true;
        })
        .catch(function () { return false; });
    }
  };
  return ctx;
}

/** Competencies reviewers added to roles, from the position's decision log. */
function showAddedToRoles(pos, ctx) {
  decisions(ctx).then(function (log) {
    var now = log.current, placed = placements(log.history, "role_id");
    Object.keys(now).forEach(function (cid) {
      var d = now[cid];
      if (!d || !(cid in placed)) return;
      var role = $("roles-view").querySelector('section.role[data-role="' + placed[cid] + '"]');
      var list = role && role.querySelector(".card-list");
      if (!list || list.querySelector('article[data-competency-id="' + cid + '"]')) return;
      competency(cid).then(function (e) { prependCard(list, addedItem(e, d, { role: placed[cid] }), ctx); });
    });
  }).catch(function () { /* the roles still show without the added ones */ });
}

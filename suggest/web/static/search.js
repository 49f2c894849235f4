// @ts-check
/* Search the dictionary and add what the service missed: a combobox over GET /v1/competencies?q=.
 * Up and Down move through the answers, Enter adds the highlighted one (the first by default, even when
 * the answer is still on its way), Esc goes back to the cards. */
import { h, clear, nextId } from "./dom.js";
import { api, showError, ApiError } from "./api.js";

var WAIT_MS = 150;  // a pause in typing, so every key does not cost a request

/** opts: label (visible), name (for people), onPick(entry, query) -> Promise, onEscape(), taken(cid) */
export function addBox(opts) {
  var id = nextId("add"), listId = id + "-list";
  var input = /** @type {HTMLInputElement} */ (h("input", { type: "search", id: id, class: "add-search", autocomplete: "off",
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    placeholder: "Search the dictionary…", dataset: { addBox: "1" } }));
  var list = h("ul", { id: listId, role: "listbox", class: "add-results", hidden: true, "aria-label": "Competencies found" });
  var found = [], active = 0, timer = 0, latest = Promise.resolve([]), asked = "";

  function draw() {
    clear(list);
    found.forEach(function (e, i) {
      var taken = opts.taken && opts.taken(e.id);
      list.appendChild(h("li", { role: "option", id: listId + "-" + i, "aria-selected": String(i === active),
        class: i === active ? "active" : null, dataset: { competencyId: e.id },
        onmousedown: function (ev) { ev.preventDefault(); active = i; pick(); } },
        e.name, " ", h("code", { class: "cid" }, e.id), h("span", { class: "muted" }, " · " + e.type + (taken ? " · already listed" : ""))));
    });
    list.hidden = !found.length;
    input.setAttribute("aria-expanded", String(!!found.length));
    if (found.length) input.setAttribute("aria-activedescendant", listId + "-" + active);
    else input.removeAttribute("aria-activedescendant");
  }
  function search() {
    var q = input.value.trim();
    if (q === asked) return latest;
    asked = q;
    if (!q) { found = []; draw(); latest = Promise.resolve(found); return latest; }
    latest = api("/v1/competencies?limit=8&q=" + encodeURIComponent(q)).then(function (res) {
      if (asked === q) { found = res.items || []; active = 0; draw(); }
      return found;
    });
    return latest;
  }
  function reset() { input.value = ""; asked = ""; found = []; draw(); }
  function pick() {
    clearTimeout(timer);
    var query = input.value.trim();
    search().then(function (items) {
      var entry = items[active];
      if (!entry) { showError(new ApiError(0, "pick_a_result", "")); return; }
      return opts.onPick(entry, query).then(function (ok) { if (ok) reset(); });
    }).catch(showError);
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = window.setTimeout(search, WAIT_MS); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!found.length) return;
      active = (active + (e.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      draw();
    } else if (e.key === "Enter") {
      e.preventDefault();  // never the surrounding form's submit
      pick();
    } else if (e.key === "Escape") {
      e.preventDefault();
      reset();
      if (opts.onEscape) opts.onEscape();
    }
  });
  input.addEventListener("blur", function () { window.setTimeout(function () { list.hidden = true; }, 150); });
  input.addEventListener("focus", function () { list.hidden = !found.length; });
  return h("div", { class: "add-box" },
    h("label", { for: id, class: "small-label" }, opts.label, h("span", { class: "visually-hidden" }, " " + opts.name)),
    input, list);
}

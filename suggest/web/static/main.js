// @ts-check
/* Entry point of the reviewer's page: the API key, the forms, the keys, and the router. */
import { $ } from "./dom.js";
import { setStatus, apiKey } from "./api.js";
import { KEY_STORE, state } from "./state.js";
import { startRouter } from "./router.js";
import { onSuggest, loadSet, onAcceptSelected, onSelectUnreviewed } from "./suggest_view.js";
import { initJdForm } from "./jd_form.js";
import { onLoadPosition, onExport } from "./position_view.js";
import { onCreateRoles, loadRolesPosition } from "./roles_view.js";
import { initKeys } from "./keys.js";

function isOpen(kind, id) {
  return kind === "set" ? !!(state.set && state.set.id === id) : !!(state.position && state.position.id === id);
}
function open(kind, id) {
  if (!apiKey()) {
    setStatus("Enter your API key to open " + (kind === "set" ? "suggestion set " : "position ") + id + ".");
    return;
  }
  if (kind === "set") loadSet(id);
  else loadRolesPosition(id);
}

function init() {
  var keyInput = $("api-key");
  try { keyInput.value = sessionStorage.getItem(KEY_STORE) || ""; } catch (e) { /* storage disabled */ }
  keyInput.addEventListener("input", function () {
    try { sessionStorage.setItem(KEY_STORE, keyInput.value.trim()); } catch (e) { /* storage disabled */ }
  });
  var route = startRouter(isOpen, open);
  keyInput.addEventListener("change", route);
  // Enter in the key field keeps the key; it must not send the job description
  keyInput.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();
    setStatus(apiKey() ? "API key kept for this tab." : "");
    route();
  });
  $("forget-key").addEventListener("click", function () {
    keyInput.value = "";
    try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* storage disabled */ }
    setStatus("The API key was removed from this tab.");
    keyInput.focus();
  });
  // the skip link moves focus without touching the hash, which holds what is open
  document.querySelector(".skip-link").addEventListener("click", function (e) {
    e.preventDefault();
    $("main").focus();
  });
  $("suggest-form").addEventListener("submit", onSuggest);
  initJdForm();
  $("accept-selected").addEventListener("click", onAcceptSelected);
  $("select-unreviewed").addEventListener("click", onSelectUnreviewed);
  $("position-form").addEventListener("submit", onLoadPosition);
  $("roles-form").addEventListener("submit", onCreateRoles);
  $("export-json").addEventListener("click", onExport("igot"));
  $("export-csv").addEventListener("click", onExport("csv"));
  initKeys();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();

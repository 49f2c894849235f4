// @ts-check
/* Entry point of the reviewer's page: wiring of the controls, the API key, and the hash router. */
import { $ } from "./dom.js";
import { setStatus, apiKey } from "./api.js";
import { KEY_STORE, state, hashSetId, hashPositionId } from "./state.js";
import { onAcceptSelected, onSelectUnreviewed } from "./review.js";
import { onSuggest, loadSet, onFile } from "./suggest_view.js";
import { onLoadPosition, onExport } from "./position_view.js";
import { onCreateRoles, loadRolesPosition } from "./roles_view.js";

function onHash() {
  var id = hashSetId(), pid = hashPositionId();
  var needSet = id && !(state.set && state.set.id === id);
  var needPosition = pid && !(state.position && state.position.id === pid);
  if (!needSet && !needPosition) return;
  if (!apiKey()) {
    setStatus("Enter your API key to open " + (needSet ? "suggestion set " + id : "position " + pid) + ".");
    return;
  }
  if (needSet) loadSet(id);
  if (needPosition) loadRolesPosition(pid);
}

function init() {
  var keyInput = $("api-key");
  try { keyInput.value = sessionStorage.getItem(KEY_STORE) || ""; } catch (e) { /* storage disabled */ }
  keyInput.addEventListener("input", function () {
    try { sessionStorage.setItem(KEY_STORE, keyInput.value.trim()); } catch (e) { /* storage disabled */ }
  });
  keyInput.addEventListener("change", onHash);
  $("forget-key").addEventListener("click", function () {
    keyInput.value = "";
    try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* storage disabled */ }
    setStatus("The API key was removed from this tab.");
    keyInput.focus();
  });
  // the skip link moves focus without touching the hash, which holds the open suggestion set
  document.querySelector(".skip-link").addEventListener("click", function (e) {
    e.preventDefault();
    $("main").focus();
  });
  $("suggest-form").addEventListener("submit", onSuggest);
  $("jd-file").addEventListener("change", onFile);
  $("accept-selected").addEventListener("click", onAcceptSelected);
  $("select-unreviewed").addEventListener("click", onSelectUnreviewed);
  $("position-form").addEventListener("submit", onLoadPosition);
  $("roles-form").addEventListener("submit", onCreateRoles);
  $("export-json").addEventListener("click", onExport("igot"));
  $("export-csv").addEventListener("click", onExport("csv"));
  window.addEventListener("hashchange", onHash);
  window.addEventListener("popstate", onHash);
  onHash();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();

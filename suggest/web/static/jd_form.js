// @ts-check
/* The job description form: a file's text into the box, and a character counter against the limit the
 * server publishes. */
import { $ } from "./dom.js";
import { busy, showError, clearError, api, textLimit } from "./api.js";

var limit = null;

/** Characters as the server counts them: code points after NFC. */
function length(text) { return Array.from(text.normalize("NFC")).length; }

export function overLimit() { return limit !== null && length($("jd-text").value) > limit; }

function drawCounter() {
  var out = $("jd-count"), n = length($("jd-text").value);
  if (limit === null) { out.textContent = n.toLocaleString() + " characters"; return; }
  out.textContent = n.toLocaleString() + " of " + limit.toLocaleString() + " characters";
  out.classList.toggle("near", n > limit * 0.9 && n <= limit);
  out.classList.toggle("over", n > limit);
  $("jd-over").hidden = n <= limit;
}

/** With suggestions on screen the form folds to one line (the text is in the results); Edit opens it. */
export function foldForm(set) {
  var parts = [length(set.text || "").toLocaleString() + " characters"];
  if (set.position) parts.push("position: " + set.position);
  if (set.department) parts.push("department: " + set.department);
  $("jd-summary").textContent = "Job description: " + parts.join(" · ");
  $("input-panel").classList.add("folded");
}

export function initJdForm() {
  $("edit-jd").addEventListener("click", function () {
    $("input-panel").classList.remove("folded");
    $("jd-text").focus();
  });
  $("jd-text").addEventListener("input", drawCounter);
  $("jd-file").addEventListener("change", onFile);
  drawCounter();
  textLimit().then(function (n) { limit = n; drawCounter(); });
}

export function onFile() {
  var input = $("jd-file");
  var file = input.files && input.files[0];
  if (!file) return;
  clearError();
  var form = new FormData();
  form.append("file", file, file.name);
  var done = busy("Reading " + file.name + "…");
  api("/v1/extract", { method: "POST", body: form })
    .then(function (res) {
      $("jd-text").value = res.text;
      drawCounter();
      done("Text from " + res.filename + " is in the box below. Check it, then choose Suggest.");
    })
    .catch(function (err) { done("Could not read the file."); showError(err); })
    .then(function () { input.value = ""; });
}

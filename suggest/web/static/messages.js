// @ts-check
/* What the page says when something fails: one plain sentence per error code the server can return
 * (suggest/errors.py), plus the page's own codes. The server's messages are written for every client,
 * command-line users included, so some name settings or commands; these are written for a reviewer at
 * this page. A test holds this map to the server's list of codes. */

/** @type {Record<string, string>} */
export var MESSAGES = {
  // the page's own, for what never reaches the server
  network: "Could not reach the service. Check your connection and that the service is running, then try again.",
  empty_text_page: "Paste a job description or upload a file first.",
  text_over_limit: "The text is too long for one request. Split it into parts and suggest each part.",
  missing_fields: "Enter a position title, a department and the job description text.",
  name_too_short: "Give the new competency a name of at least 3 characters.",
  no_position: "Type a position name first.",
  nothing_to_undo: "There is no decision on this competency to undo.",
  pick_a_result: "Type a few letters of a competency's name, then choose one from the list.",

  // generic, one per kind of error
  error: "Something went wrong. Please try again.",
  invalid_input: "Some of the input could not be used. Check it and try again.",
  payload_too_large: "That is too much to send at once. Send less at a time.",
  not_found: "That does not exist any more, or it was made on another server.",
  conflict: "That clashed with another change. Reload the page and try again.",
  unauthorized: "Enter a valid API key, then try again.",
  forbidden: "Your API key is not allowed to do this. Ask an administrator for a reviewer key.",
  dictionary_invalid: "The competency dictionary on the server has errors. Ask an administrator to fix it.",
  model_unavailable: "The language model could not be loaded. Ask an administrator to reinstall the service.",
  busy: "The service is busy with other requests. Wait a moment and try again.",
  rate_limited: "You have sent many requests in a short time. Wait a minute and try again.",
  not_ready: "The service is still starting. Wait a few seconds and try again.",

  // the web layer
  validation_error: "Some fields are missing or have the wrong form. Check them and try again.",
  method_not_allowed: "That action is not available here.",
  http_error: "The request could not be handled. Check it and try again.",
  internal_error: "Something went wrong on the server. Please try again.",

  // text and files
  empty_text: "Paste a job description or upload a file first.",
  text_too_long: "The text is too long for one request. Split it into parts and suggest each part.",
  too_many_activities: "The text lists more duties than one request can take. Split it into parts.",
  invalid_characters: "The text holds broken characters. Copy it again from the original, or retype it.",
  not_utf8: "The file's text is in an encoding this service cannot read. Save it as Unicode text and try again.",
  file_not_found: "That file was not found.",
  file_too_large: "That file is too large. Upload a smaller one, or paste the text instead.",
  unsupported_file: "That kind of file is not supported. Upload a .txt, .docx or .pdf file.",
  unsupported_format: "That file format is not supported here.",
  unreadable_file: "That file could not be read. Check that it opens, or paste the text instead.",
  no_text: "No text was found in that file. It may be a scanned image: paste the text instead.",
  batch_too_large: "That batch has too many items. Split it into smaller files.",
  bad_batch_line: "A line of the batch file could not be read. Fix that line and try again.",
  invalid_lang: "Choose a language from the list: detect for each line, English or Hindi.",

  // ranking parameters
  top_k_out_of_range: "Ask for fewer suggestions: that number is more than the service allows.",
  min_score_out_of_range: "The score threshold must be between 0 and 1.",
  threshold_out_of_range: "The grouping threshold must be a positive number.",

  // paging and fields
  page_out_of_range: "That page of the list is out of range. Ask for a smaller page.",
  invalid_cursor: "The list of changes could not be continued from there. Start again from the beginning.",
  invalid_field: "A field is empty, too long, or holds characters that are not allowed. Check the fields.",
  invalid_payload: "The data sent was not in the expected shape. Reload the page and try again.",
  invalid_name: "Give a name that is not empty and not too long.",
  invalid_status: "That status is not one of the allowed choices.",
  invalid_type: "The type must be Behavioural, Functional or Domain.",
  invalid_level: "Levels are whole numbers from 1 to 5 (a current level may also be 0, not held).",

  // review
  no_decisions: "Choose at least one suggestion to decide on.",
  too_many_decisions: "Too many decisions at once. Save them in smaller groups.",
  invalid_decision: "That decision could not be saved as sent. Reload the page and try again.",
  invalid_action: "That kind of decision is not available on this server yet.",
  invalid_ask_tag: "The tag must be attitude, skill or knowledge.",
  invalid_ask: "Statements must be listed under attitude, skill or knowledge.",
  modify_needs_change: "To change a suggestion, pick a level other than the suggested one.",
  unknown_competency: "That competency is not in the dictionary these suggestions came from. Pick one from the search.",
  placement_needs_add: "Only a competency you add goes on an activity or a role. Reload the page and try again.",
  nothing_to_withdraw: "There is no decision of yours on this competency to take back. Reload to see where it stands.",
  unknown_activity: "That activity is not part of this job description. Reload the page and try again.",
  idempotency_key_reused: "That save clashed with an earlier one. Please try again.",
  suggestion_set_not_found: "Those suggestions were not found. They may have been made on another server: suggest again.",
  competency_not_found: "That competency is not in the dictionary.",
  proposal_not_found: "That proposal was not found.",
  proposal_already_decided: "That proposal was already decided. Reload to see the decision.",

  // positions and roles
  position_not_found: "That position was not found. It may have been made on another server.",
  revision_not_found: "That version of the position was not found.",
  revision_conflict: "Someone else changed this position meanwhile. It has been reloaded: check it and try once more.",
  dictionary_changed: "This position was built with an older dictionary or model. Rerun it before editing its roles.",
  segmentation_changed: "The job description no longer splits into the same activities. Rerun the position first.",
  unknown_op: "That change to the roles is not available.",
  unknown_role: "That role is not part of this position any more. Reload and try again.",
  too_few_roles: "Tick at least two roles to merge.",
  no_activities: "Tick the activities to split off into a new role first.",
  empty_role: "That would leave a role with no activities. Merge the roles instead.",
  same_role: "That activity is already in that role.",
  activity_not_in_role: "That activity is not in this role any more. Reload and try again.",
  bad_position: "The position file could not be read.",
  bad_levels_header: "The levels file needs a column of competency ids and a column of levels.",
  bad_levels_row: "A row of the levels file is empty or repeats a competency. Fix that row.",

  // learning from reviewers
  ranker_not_found: "That learned ranking was not found.",
  ranker_corrupt: "A learned ranking on the server is damaged. Ask an administrator to roll it back.",
  decision_not_found: "That decision was not found.",

  // keys
  missing_key: "Enter your API key, then try again.",
  invalid_key: "The API key was not accepted. Check it, or ask an administrator for a new one.",
  dev_key_not_local: "The development key only works on the server's own machine. Use your own API key.",
  insufficient_role: "Your API key is not allowed to do this. Ask an administrator for a reviewer key.",
  invalid_role: "The role of a key must be viewer, reviewer or admin.",
  key_name_taken: "A key with that name already exists. Choose another name.",
  key_not_found: "There is no active key with that name.",

  // the server's set-up: nothing a reviewer can fix, so say who can
  dictionary_not_found: "The service cannot find its competency dictionary. Ask an administrator to check its set-up.",
  dictionary_unreadable: "The service cannot read its competency dictionary. Ask an administrator to check it.",
  dictionary_not_utf8: "The competency dictionary is saved in an unreadable encoding. Ask an administrator to fix it.",
  dictionary_unsupported: "The competency dictionary is in a format the service does not read. Ask an administrator.",
  dictionary_empty: "The competency dictionary is empty. Ask an administrator to load one.",
  model_unknown: "The service is set up with a language model it does not know. Ask an administrator.",
  model_missing: "The language model is not installed on the server. Ask an administrator to install it.",
  model_corrupt: "The language model files on the server are damaged. Ask an administrator to reinstall them.",
  model_export_mismatch: "The language model gave inconsistent results on the server. Ask an administrator.",
  adapter_unknown: "The service is set up with a model add-on it does not know. Ask an administrator.",
  adapter_missing: "A model add-on file is missing on the server. Ask an administrator to restore it.",
  adapter_corrupt: "A model add-on file on the server is damaged. Ask an administrator to restore it.",
  adapter_base_mismatch: "A model add-on does not fit the installed model. Ask an administrator.",
  runtime_missing: "Part of the language model's software is missing on the server. Ask an administrator.",
  model_int8_mismatch: "The faster language model gave inconsistent results on the server. Ask an administrator.",
  model_prepare_failed: "The language model could not be prepared on the server. Ask an administrator.",

  dictionary_base_mismatch: "This server runs another base dictionary than the other servers. Ask an administrator.",
  dictionary_version_corrupt: "The stored dictionary version is damaged. Ask an administrator to check it.",
  dictionary_reloading: "The dictionary was just updated and is still being prepared. Try again in a few seconds.",

  // new competencies: drafts and dictionary versions
  invalid_draft: "Some fields of the draft are not filled in correctly. Fix the fields named and save again.",
  draft_not_found: "That draft of a new competency was not found.",
  draft_exists: "That proposal already has a draft. Edit the existing draft instead.",
  draft_changed: "Someone else changed this draft meanwhile. Reload it and try again.",
  draft_published: "That draft is already published in the dictionary and can no longer change.",
  draft_incomplete: "The draft is not complete yet: fill in every part of the entry, then publish it.",
  proposal_rejected: "That proposal was rejected, so it cannot become a dictionary entry.",
  proposal_not_approved: "Approve the proposal before publishing its draft.",
  duplicate_competency_name: "A competency with that name is already in the dictionary. Rename the draft.",
  duplicate_competency_id: "A competency with that identifier is already in the dictionary.",
  nothing_to_publish: "There are no unpublished drafts to publish.",
  version_not_found: "That version of the dictionary was not found.",

  // command-line tools (load tests, batches), listed so every code has words
  server_not_ready: "The service under test did not start or never became ready.",
  engine_unavailable: "The batch engine could not be started. Try again, or run the batch on this machine.",
  scale_extra_missing: "Software for large batches is not installed. Run the batch on this machine instead.",
  ray_unreachable: "The computers that run large batches could not be reached. Check their address.",
  engine_failed: "The batch stopped before every item was done. Run it again.",

  // evaluation (command line only, listed so every code has words)
  missing_benchmark: "Name a benchmark or a file to evaluate.",
  bad_gold_line: "A line of the evaluation file could not be read. Fix that line.",
  benchmark_data_missing: "The evaluation data was not found.",
  benchmark_data_invalid: "The evaluation data could not be read."
};

/** Words for people for any status the map does not know (a newer server may add codes). */
export function messageFor(code, status) {
  if (code && Object.prototype.hasOwnProperty.call(MESSAGES, code)) return MESSAGES[code];
  if (status === 401) return MESSAGES.unauthorized;
  if (status === 403) return MESSAGES.forbidden;
  if (status === 404) return MESSAGES.not_found;
  if (status === 409) return MESSAGES.conflict;
  if (status === 413) return MESSAGES.payload_too_large;
  if (status === 429) return MESSAGES.rate_limited;
  if (status === 503) return MESSAGES.busy;
  if (status && status >= 400 && status < 500) return MESSAGES.invalid_input;
  return MESSAGES.error;
}

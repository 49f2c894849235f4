"""A small error hierarchy and the one registry of error codes.

Each code has its HTTP status and a plain-language message that says what to do. The API maps errors to
HTTP through `CODES` alone (`api/errors.py`). The web page words each code for a reviewer in its own
`messages.js` (these messages also serve the command line, so some name settings); a test holds that map to
`CODES` as served at `/v1/errors`. A test fails when code raises a code that is not registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Code:
    status: int
    message: str  # for people: what happened and what to do, without developer words


_INPUT, _NOT_FOUND, _CONFLICT = 422, 404, 409

CODES: dict[str, Code] = {
    # generic, one per error class
    "error": Code(500, "Something went wrong. Please try again."),
    "invalid_input": Code(_INPUT, "Some of the input could not be used. Check it and try again."),
    "payload_too_large": Code(413, "That is too large to send. Send less at a time."),
    "not_found": Code(_NOT_FOUND, "That does not exist (it may have been removed, or made on another server)."),
    "conflict": Code(_CONFLICT, "That clashed with another change. Reload and try again."),
    "unauthorized": Code(401, "Enter a valid API key, then try again."),
    "forbidden": Code(403, "Your API key is not allowed to do this."),
    "dictionary_invalid": Code(500, "The competency dictionary has errors. Run `cde-suggest dictionary "
                                    "validate` to see them."),
    "model_unavailable": Code(503, "The language model could not be loaded. Ask an administrator to reinstall it."),
    "busy": Code(503, "The service is busy with other requests. Wait a moment and try again."),
    "rate_limited": Code(429, "Too many requests with this API key. Wait a moment and try again."),
    "not_ready": Code(503, "The service is still starting (loading the model and database). Wait a few seconds "
                           "and try again."),
    # the HTTP layer
    "validation_error": Code(_INPUT, "Some fields are missing or have the wrong form. Check them and try again."),
    "method_not_allowed": Code(405, "That action is not available here."),
    "http_error": Code(400, "The request could not be handled. Check it and try again."),
    "internal_error": Code(500, "Something went wrong on the server. Please try again."),
    # text and files
    "empty_text": Code(_INPUT, "Paste a job description or upload a file first."),
    "text_too_long": Code(_INPUT, "The text is longer than this service accepts. Split it into parts."),
    "too_many_activities": Code(_INPUT, "The text lists more duties than one request can take. Split it into parts."),
    "invalid_characters": Code(_INPUT, "The text holds characters that cannot be stored (broken Unicode). Copy it "
                                       "again from the original or retype it."),
    "not_utf8": Code(_INPUT, "That text is not in UTF-8. Save it as UTF-8 and try again."),
    "file_not_found": Code(_INPUT, "That file was not found. Check the path."),
    "file_too_large": Code(413, "That file is too large. Upload a smaller one or paste the text."),
    "unsupported_file": Code(_INPUT, "That kind of file is not supported. Upload a .txt, .docx or .pdf file."),
    "unsupported_format": Code(_INPUT, "That file format is not supported here. Use the format the command names."),
    "unreadable_file": Code(_INPUT, "That file could not be read. Check that it opens, or paste the text instead."),
    "no_text": Code(_INPUT, "No text could be found in that file. It may be a scanned image; paste the text."),
    "batch_too_large": Code(_INPUT, "That batch has too many items. Split the file."),
    "bad_batch_line": Code(_INPUT, "A line of the batch file is not valid JSON. Fix that line."),
    "invalid_lang": Code(_INPUT, "The language must be auto, en (English) or hi (Hindi)."),
    # ranking parameters
    "top_k_out_of_range": Code(_INPUT, "Ask for fewer suggestions: the number is outside the allowed range."),
    "min_score_out_of_range": Code(_INPUT, "The score threshold must be between 0 and 1."),
    "threshold_out_of_range": Code(_INPUT, "The grouping threshold must be a positive number."),
    # paging and fields
    "page_out_of_range": Code(_INPUT, "That page is outside the allowed range. Ask for a smaller page."),
    "invalid_cursor": Code(_INPUT, "That place in the list of changes is not valid. Start again from the beginning."),
    "invalid_field": Code(_INPUT, "A field is empty, too long or holds characters that are not allowed."),
    "invalid_payload": Code(_INPUT, "The data sent is not in the expected shape."),
    "invalid_name": Code(_INPUT, "Give a name that is not empty and not too long."),
    "invalid_status": Code(_INPUT, "That status is not one of the allowed values."),
    "invalid_type": Code(_INPUT, "The type must be Behavioural, Functional or Domain."),
    "invalid_level": Code(_INPUT, "Levels must be whole numbers in the allowed range (1 to 5 for a required "
                                  "level, 0 to 5 for a current level)."),
    # review
    "no_decisions": Code(_INPUT, "Choose at least one suggestion to decide on."),
    "too_many_decisions": Code(_INPUT, "Too many decisions at once. Save them in smaller batches."),
    "invalid_decision": Code(_INPUT, "A decision has fields that are not allowed."),
    "invalid_action": Code(_INPUT, "A decision must be accept, reject, modify, add or withdraw."),
    "invalid_ask_tag": Code(_INPUT, "The ASK tag must be attitude, skill or knowledge."),
    "invalid_ask": Code(_INPUT, "ASK statements must be lists under attitude, skill or knowledge."),
    "modify_needs_change": Code(_INPUT, "To modify a suggestion, change its level or its ASK tag."),
    "unknown_competency": Code(_INPUT, "That competency is not part of these suggestions, or (when adding one) not "
                                       "in the dictionary they were made with. Pick it from the search."),
    "placement_needs_add": Code(_INPUT, "Only an added competency takes an activity or a role. Leave them out to "
                                        "accept, reject, modify or withdraw."),
    "nothing_to_withdraw": Code(_CONFLICT, "There is no decision of yours on that competency to take back. "
                                           "Reload to see where it stands."),
    "unknown_activity": Code(_INPUT, "That activity is not part of this job description."),
    "idempotency_key_reused": Code(_CONFLICT, "That save clashed with an earlier one. Please try again."),
    "suggestion_set_not_found": Code(_NOT_FOUND, "That suggestion set does not exist (it may have been made on "
                                                 "another server)."),
    "competency_not_found": Code(_NOT_FOUND, "That competency is not in the dictionary."),
    "proposal_not_found": Code(_NOT_FOUND, "That proposal does not exist."),
    "proposal_already_decided": Code(_CONFLICT, "That proposal was already decided. Reload to see the decision."),
    # positions and roles
    "position_not_found": Code(_NOT_FOUND, "That position does not exist (it may have been made on another "
                                           "server)."),
    "revision_not_found": Code(_NOT_FOUND, "That revision of the position does not exist."),
    "revision_conflict": Code(_CONFLICT, "Someone else changed this position meanwhile. Reload it, check it and "
                                         "try once more."),
    "dictionary_changed": Code(_CONFLICT, "This position was built with another dictionary or model than the one "
                                          "loaded now. Rerun it before editing its roles."),
    "segmentation_changed": Code(_CONFLICT, "The job description no longer splits into the same activities. "
                                            "Rerun the position first."),
    "unknown_op": Code(_INPUT, "That edit is not one of rename, merge, split or move."),
    "unknown_role": Code(_INPUT, "That role is not part of this position. Reload and try again."),
    "too_few_roles": Code(_INPUT, "Tick at least two roles to merge."),
    "no_activities": Code(_INPUT, "Tick the activities to split off into a new role first."),
    "empty_role": Code(_INPUT, "That would leave a role with no activities. Merge the roles instead."),
    "same_role": Code(_INPUT, "That activity is already in that role."),
    "activity_not_in_role": Code(_INPUT, "That activity is not in this role any more. Reload and try again."),
    "bad_position": Code(_INPUT, "The position file is not the JSON that `cde-suggest roles --json` writes."),
    "bad_levels_header": Code(_INPUT, "The levels file needs the columns competency_id and level."),
    "bad_levels_row": Code(_INPUT, "A row of the levels file is empty or repeats a competency. Fix that row."),
    # learning from reviewers
    "ranker_not_found": Code(_NOT_FOUND, "There is no such learned ranker. `cde-suggest learn list` shows them."),
    "ranker_corrupt": Code(500, "A learned ranker file is damaged. Roll back or learn again."),
    # load test (`cde-suggest loadtest`, `bench --http`)
    "server_not_ready": Code(503, "The server under test did not start or never became ready. Read the log "
                                  "lines in the message, or check the URL."),
    "decision_not_found": Code(_NOT_FOUND, "That decision does not exist."),
    # keys
    "missing_key": Code(401, "Enter your API key, then try again."),
    "invalid_key": Code(401, "The API key was not accepted. Check it, or ask an administrator for a new one."),
    "dev_key_not_local": Code(401, "The development key only works on the server's own machine. Use a real API "
                                   "key."),
    "insufficient_role": Code(403, "Your API key is not allowed to do this."),
    "invalid_role": Code(_INPUT, "The role must be viewer, reviewer or admin."),
    "key_name_taken": Code(_CONFLICT, "A key with that name already exists. Choose another name."),
    "key_not_found": Code(_NOT_FOUND, "There is no active key with that name."),
    # dictionary
    "dictionary_not_found": Code(500, "The dictionary file or folder was not found. Check CDE_DICTIONARY."),
    "dictionary_unreadable": Code(500, "The dictionary could not be read. Check that the file opens."),
    "dictionary_not_utf8": Code(500, "The dictionary is not in UTF-8. Save it as UTF-8."),
    "dictionary_unsupported": Code(500, "That dictionary format is not supported. Use YAML, the KCM JSON or CSV."),
    "dictionary_empty": Code(500, "The dictionary has no entries."),
    "dictionary_base_mismatch": Code(500, "This server loads another base dictionary than the one the active "
                                          "dictionary version was built on. Give every server the same "
                                          "CDE_DICTIONARY."),
    "dictionary_version_corrupt": Code(500, "The stored dictionary version does not match its fingerprint. Ask an "
                                            "administrator to check the database."),
    "dictionary_reloading": Code(503, "The dictionary was just updated and this server is still preparing it. Try "
                                      "again in a few seconds."),
    # new competencies: drafts and dictionary versions
    "invalid_draft": Code(_INPUT, "The draft entry has fields that are malformed (for example an empty statement "
                                  "or a level other than 1 to 5). Fix the fields named and save again."),
    "draft_not_found": Code(_NOT_FOUND, "That dictionary draft does not exist."),
    "draft_exists": Code(_CONFLICT, "That proposal already has a draft. Edit the existing draft instead."),
    "draft_changed": Code(_CONFLICT, "Someone else changed this draft meanwhile. Reload it and try again."),
    "draft_published": Code(_CONFLICT, "That draft is already published in a dictionary version and can no "
                                       "longer change."),
    "draft_incomplete": Code(_CONFLICT, "The draft is not complete yet: it needs a description, skill and "
                                        "knowledge statements (and attitude for Behavioural), five level "
                                        "descriptors, three examples and an alias. Complete it, then publish."),
    "proposal_rejected": Code(_CONFLICT, "That proposal was rejected, so it cannot become a dictionary entry."),
    "proposal_not_approved": Code(_CONFLICT, "Approve the proposal before publishing its draft."),
    "duplicate_competency_name": Code(_CONFLICT, "A competency with that name is already in the dictionary or in "
                                                 "this publication. Rename the draft."),
    "duplicate_competency_id": Code(_CONFLICT, "A competency with that id is already in the dictionary."),
    "nothing_to_publish": Code(_CONFLICT, "There are no unpublished drafts to publish."),
    "version_not_found": Code(_NOT_FOUND, "That dictionary version does not exist."),
    # model
    "model_unknown": Code(503, "That model is not in the model registry. Check CDE_MODEL_ID."),
    "model_missing": Code(503, "The model package is not installed. Run the pip command in the message."),
    "model_corrupt": Code(503, "The model files are damaged. Run the pip command in the message."),
    "model_export_mismatch": Code(503, "The fast runtime disagrees with the model. Set CDE_RUNTIME=torch."),
    "model_int8_mismatch": Code(503, "The int8 encoder strays too far from the full-precision one. Set "
                                     "CDE_RUNTIME=onnx."),
    "model_prepare_failed": Code(503, "Preparing the model failed. Run `cde-suggest models prepare` to see why, "
                                      "or set CDE_RUNTIME=torch."),
    "adapter_unknown": Code(503, "That adapter is not in the model registry. Set CDE_ADAPTER to a registered "
                                 "adapter, to default, or to none."),
    "adapter_missing": Code(503, "The model adapter file is missing. Restore it from the repository or set "
                                 "CDE_ADAPTER=none."),
    "adapter_corrupt": Code(503, "The model adapter file is damaged. Restore it from the repository, retrain it, "
                                 "or set CDE_ADAPTER=none."),
    "adapter_base_mismatch": Code(503, "The model adapter was made for other model weights. Retrain it or set "
                                       "CDE_ADAPTER=none."),
    "runtime_missing": Code(503, "The fast runtime is not installed. Install onnxruntime or set CDE_RUNTIME=torch."),
    # batch engines
    "engine_unavailable": Code(503, "The batch engine could not be started. Run the command again, or use "
                                    "--engine local."),
    "scale_extra_missing": Code(503, "Ray or pyarrow is not installed. Run pip install 'cde-suggest[scale]', "
                                     "or use --engine local with JSONL or CSV files."),
    "ray_unreachable": Code(503, "The Ray cluster could not be reached. Check the address (ray status on the "
                                 "head node) or leave out --address to run on this machine."),
    "engine_failed": Code(503, "The batch engine stopped before every item was done. Check the message, then run "
                               "the command again."),
    # evaluation
    "missing_benchmark": Code(_INPUT, "Name a benchmark or a gold file to evaluate."),
    "bad_gold_line": Code(_INPUT, "A line of the gold file is not {id, text, gold}. Fix that line."),
    "benchmark_data_missing": Code(_INPUT, "The benchmark data was not found. Check CDE_EVAL_DATA_DIR."),
    "benchmark_data_invalid": Code(_INPUT, "The benchmark data could not be parsed."),
}


class CDEError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.detail = detail

    @property
    def status(self) -> int:
        """From the registry, so a code has one status wherever it is raised."""
        return (CODES.get(self.code) or CODES[type(self).code]).status

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class InputError(CDEError):
    """The caller sent something we cannot use: empty, too long, not UTF-8, out of bounds."""

    code = "invalid_input"


class PayloadTooLarge(CDEError):
    code = "payload_too_large"


class NotFound(CDEError):
    code = "not_found"


class Conflict(CDEError):
    code = "conflict"


class AuthError(CDEError):
    code = "unauthorized"


class Forbidden(CDEError):
    code = "forbidden"


class DictionaryError(CDEError):
    """The dictionary is missing or invalid; detail lists every problem by entry and field."""

    code = "dictionary_invalid"


class ModelError(CDEError):
    """The embedding model is missing or corrupt; the message names the pip command that fixes it."""

    code = "model_unavailable"


class Busy(CDEError):
    """Too many suggestion requests are already running or waiting; the client should retry shortly."""

    code = "busy"


class RateLimited(CDEError):
    """One API key made too many requests of a kind; detail.retry_after_s says when to try again."""

    code = "rate_limited"


class NotReady(CDEError):
    code = "not_ready"


class EngineError(CDEError):
    """A batch engine (Ray) is not installed, cannot reach its cluster, or failed part-way."""

    code = "engine_unavailable"

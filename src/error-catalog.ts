/**
 * Every error code the HTTP API answers, with its status and a message template. A throw site names a code of
 * this table (the error classes in `src/errors.ts` only accept these keys), so the status always comes from here.
 * docs/errors.md lists the same table for users; test/errors/catalog.test.ts keeps the two equal.
 * `{name}` in a template is filled from the error's details by `catalogMessage`.
 */
export const ERROR_CATALOG = {
  // 400: the request or one of its parameters cannot be read.
  bad_request: { status: 400, message: 'The request is malformed.' },
  malformed_json: { status: 400, message: 'The body is not valid JSON.' },
  invalid_since: { status: 400, message: '{parameter}: "{value}" is not an ISO 8601 time such as 2025-01-31T00:00:00Z.' },
  invalid_cursor: { status: 400, message: 'The cursor is not valid.' },
  invalid_last_event_id: { status: 400, message: 'Last-Event-ID "{lastEventId}" is not an event seq.' },
  // 401, 403
  unauthorized: { status: 401, message: 'A valid API key is required: send "Authorization: Bearer <key>".' },
  forbidden: { status: 403, message: "The caller's role does not allow this action." },
  download_link_invalid: { status: 403, message: 'The download link was altered or is not for this export.' },
  download_link_expired: { status: 403, message: 'The download link has expired.' },
  // 404
  not_found: { status: 404, message: '{resource} {id} was not found.' },
  route_not_found: { status: 404, message: 'No such route.' },
  // 409: the change conflicts with the current state.
  already_completed: { status: 409, message: 'The caller already marked this document complete in this mode.' },
  delivery_in_flight: { status: 409, message: 'The delivery is being sent right now.' },
  document_excluded: { status: 409, message: 'The document is excluded from its project.' },
  duplicate_key: { status: 409, message: 'A document key is already taken in the project.' },
  export_not_ready: { status: 409, message: 'The export has not finished; its file is not ready.' },
  gate_rejected: { status: 409, message: 'A blocking webhook rejected the label update.' },
  invalid_status: { status: 409, message: 'The project cannot be completed from its current status.' },
  key_in_use: { status: 409, message: 'The API key making the request cannot revoke itself.' },
  label_set_item_in_use: { status: 409, message: 'Label set items still used by labels cannot be removed.' },
  labels_changed: { status: 409, message: "The document's labels changed while the update was being checked." },
  member_exists: { status: 409, message: 'The team already has a member with this email.' },
  secret_unreadable: { status: 409, message: "The webhook's stored secret or headers cannot be decrypted." },
  webhook_busy: { status: 409, message: 'The webhook has its concurrency of requests in flight.' },
  webhook_limit_reached: { status: 409, message: 'The team has the most webhooks allowed.' },
  worker_lock_held: { status: 409, message: 'Another process already delivers webhooks from this SQLite database.' },
  // 410, 413, 415
  export_pruned: { status: 410, message: 'The file of the export was pruned.' },
  payload_too_large: { status: 413, message: 'The request body is larger than the server accepts.' },
  unsupported_media_type: { status: 415, message: 'Send JSON with content-type: application/json.' },
  // 422: valid JSON whose content breaks a rule (a bad query string or path is 400, see `QUERY_STATUS`).
  validation_failed: { status: 422, message: 'The request does not match its schema.' },
  duplicate_document: { status: 422, message: 'A document appears more than once in a bulk label update.' },
  duplicate_label_id: { status: 422, message: 'A label appears more than once in a label update.' },
  empty_label_update: { status: 422, message: 'A label update needs at least one label in toUpsertList or toDeleteList.' },
  empty_patch: { status: 422, message: 'The patch changes no field.' },
  invalid_auto_export: { status: 422, message: 'autoExport is not valid.' },
  invalid_batch: { status: 422, message: 'batch is out of range.' },
  invalid_blocking: { status: 422, message: 'blocking is only for webhooks subscribed to BEFORE_UPDATE_LABELS.' },
  invalid_email: { status: 422, message: 'The email is not an email address.' },
  invalid_events: { status: 422, message: 'events must name at least one event type, or be ["*"].' },
  invalid_header: { status: 422, message: 'A custom header is not allowed.' },
  invalid_max_body_bytes: { status: 422, message: 'maxBodyBytes is out of range.' },
  invalid_role: { status: 422, message: 'The role is unknown.' },
  invalid_secret: { status: 422, message: 'The webhook secret is too weak or malformed.' },
  invalid_url: { status: 422, message: 'The webhook URL is not an absolute http(s) URL without credentials.' },
  json_too_deep: { status: 422, message: 'The body nests arrays and objects too deep.' },
  json_too_many_keys: { status: 422, message: 'An object in the body has too many keys.' },
  label_not_found: { status: 422, message: 'A label of the update is not on the document.' },
  label_set_invalid: { status: 422, message: 'The label set is invalid.' },
  label_set_item_required: { status: 422, message: 'A label needs a labelSetItemId.' },
  labeled_by_mismatch: { status: 422, message: "A label's labeledBy does not match the mode." },
  name_required: { status: 422, message: 'A non-blank name is required.' },
  no_documents: { status: 422, message: 'An import needs at least one document.' },
  offsets_out_of_range: { status: 422, message: "A label's characters are not inside the document's text." },
  span_needs_text: { status: 422, message: 'A SPAN label needs a document with text.' },
  tags_invalid: { status: 422, message: 'Tags must not be blank.' },
  target_not_allowed: { status: 422, message: 'The webhook URL host is not an allowed target.' },
  too_many_documents: { status: 422, message: 'The import carries more documents than allowed.' },
  too_many_labels: { status: 422, message: 'The bulk label update carries more documents or labels than allowed.' },
  unknown_event_type: { status: 422, message: 'An event type is unknown.' },
  unknown_export_format: { status: 422, message: 'The export format is unknown.' },
  unknown_export_status: { status: 422, message: 'The export status is unknown.' },
  unknown_format: { status: 422, message: 'The webhook format is unknown.' },
  unknown_label_set_item: { status: 422, message: "A labelSetItemId is not an item of the project's label set." },
  unknown_project: { status: 422, message: 'The project is not a project of the caller\'s team.' },
  unresolvable_host: { status: 422, message: 'The webhook URL host could not be resolved.' },
  // 429, 500, 503
  stream_limit_reached: { status: 429, message: 'The team has the most event streams open in this server.' },
  internal_error: { status: 500, message: 'An unexpected error occurred; it was logged.' },
  secret_decrypt_failed: { status: 500, message: 'A stored secret could not be decrypted.' },
  database_unavailable: { status: 503, message: 'The database does not answer.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code of the catalog: the only codes an API error may carry. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The codes whose catalog status is `S`, so each error class accepts only codes of its own status. */
export type CodeWithStatus<S extends number> = { [C in ErrorCode]: (typeof ERROR_CATALOG)[C]['status'] extends S ? C : never }[ErrorCode];

/** The one code whose status depends on where the bad value was: a schema error in the query string or path is 400. */
export const QUERY_STATUS = { validation_failed: 400 } as const satisfies Partial<Record<ErrorCode, number>>;

/** The HTTP status of `code`. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].status;
}

/** The catalog's message of `code` with each `{name}` replaced by `values[name]`. */
export function catalogMessage(code: ErrorCode, values: Record<string, unknown> = {}): string {
  return ERROR_CATALOG[code].message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

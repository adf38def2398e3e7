/** Base class of every error labelhook raises on purpose: a stable `code` users can match on and an HTTP status. */
export class LabelhookError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, status: number, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details ?? null;
  }
}

/** The request body or query is malformed (400). */
export class BadRequestError extends LabelhookError {
  constructor(message: string, details?: unknown, code = 'bad_request') {
    super(code, 400, message, details);
  }
}

/** No or an unknown API key (401). */
export class UnauthorizedError extends LabelhookError {
  constructor(message = 'A valid API key is required: send "Authorization: Bearer <key>".') {
    super('unauthorized', 401, message);
  }
}

/** The caller's role does not allow the action (403). */
export class ForbiddenError extends LabelhookError {
  constructor(message: string, details?: unknown) {
    super('forbidden', 403, message, details);
  }
}

/** The resource does not exist in the caller's team (404; also for another team's resources). */
export class NotFoundError extends LabelhookError {
  constructor(what: string, id: string) {
    super('not_found', 404, `${what} ${id} was not found.`, { resource: what, id });
  }
}

/** The change conflicts with current state or was vetoed by a gate (409). */
export class ConflictError extends LabelhookError {
  constructor(message: string, details?: unknown, code = 'conflict') {
    super(code, 409, message, details);
  }
}

/** Valid JSON whose content breaks a rule (422). */
export class ValidationError extends LabelhookError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super(code, 422, message, details);
  }
}

/** A per-team limit on something held open is reached; retry once one is released (429). */
export class TooManyError extends LabelhookError {
  constructor(message: string, details: unknown, code: string) {
    super(code, 429, message, details);
  }
}

/** A configuration value is missing or invalid; raised once at start-up. */
export class ConfigError extends LabelhookError {
  constructor(message: string, details?: unknown) {
    super('config_invalid', 500, message, details);
  }
}

/** The SSRF guard refused a webhook target address at connect time; the code mimics Node's socket error codes so delivery outcomes classify it like ECONNREFUSED. */
export class SsrfBlockedError extends LabelhookError {
  constructor(message: string, details?: unknown) {
    super('LABELHOOK_SSRF_BLOCKED', 422, message, details);
  }
}

/** The CLI was used wrongly or its input is bad (a missing option, a malformed line of an import file). */
export class CliUsageError extends LabelhookError {
  constructor(message: string, details?: unknown, code = 'cli_usage') {
    super(code, 2, message, details);
  }
}

/** The labelhook server answered a CLI request with an error; `code` and `status` are the server's. */
export class RemoteApiError extends LabelhookError {
  /** The server's own message, without the code and status this error's message adds. */
  readonly serverMessage: string;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(code, status, `${code}: ${message} (HTTP ${status})`, details);
    this.serverMessage = message;
  }
}

/** The resource existed but is gone for good (410), such as a pruned export file. */
export class GoneError extends LabelhookError {
  constructor(message: string, details?: unknown, code = 'gone') {
    super(code, 410, message, details);
  }
}

/** A signed link that is expired or was not signed by this server (403); the code says which. */
export class LinkRefusedError extends LabelhookError {
  constructor(message: string, details: unknown, code: 'download_link_expired' | 'download_link_invalid') {
    super(code, 403, message, details);
  }
}

import { catalogMessage, statusOf, type CodeWithStatus, type ErrorCode } from './error-catalog.js';

/**
 * Base class of every error labelhook raises on purpose: a stable `code` users can match on and a status. Its
 * constructor is protected: API errors are made through the classes below, which accept only codes of the catalog
 * (`src/error-catalog.ts`) whose status is theirs; the process and CLI errors at the end carry fixed codes.
 */
export class LabelhookError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  protected constructor(code: string, status: number, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details ?? null;
  }
}

/** An error the HTTP API answers: its code is a catalog key and its status is the catalog's. */
export class ApiError extends LabelhookError {
  declare readonly code: ErrorCode;

  protected constructor(code: ErrorCode, message: string, details?: unknown) {
    super(code, statusOf(code), message, details);
  }
}

/** The request or one of its parameters cannot be read (400). */
export class BadRequestError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<400>) {
    super(code, message, details);
  }
}

/** No or an unknown API key (401). */
export class UnauthorizedError extends ApiError {
  constructor(message = catalogMessage('unauthorized')) {
    super('unauthorized', message);
  }
}

/** The caller may not do this: its role, or a signed link that is expired or not this server's (403). */
export class ForbiddenError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<403>) {
    super(code, message, details);
  }
}

/** The resource does not exist in the caller's team (404; also for another team's resources). */
export class NotFoundError extends ApiError {
  constructor(what: string, id: string, message = catalogMessage('not_found', { resource: what, id }), extra?: Record<string, unknown>) {
    super('not_found', message, { resource: what, id, ...extra });
  }
}

/** The change conflicts with current state or was vetoed by a gate (409). */
export class ConflictError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<409>) {
    super(code, message, details);
  }
}

/** The resource existed but is gone for good (410), such as a pruned export file. */
export class GoneError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<410>) {
    super(code, message, details);
  }
}

/** Valid JSON whose content breaks a rule (422). */
export class ValidationError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<422>) {
    super(code, message, details);
  }
}

/** A per-team limit on something held open is reached; retry once one is released (429). */
export class TooManyError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<429>) {
    super(code, message, details);
  }
}

/** A fault of the server's own state, not of the request (500), such as a stored secret that cannot be decrypted. */
export class InternalError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<500>) {
    super(code, message, details);
  }
}

/** A service labelhook depends on does not answer now, such as the database (503); the same request may succeed later. */
export class UnavailableError extends ApiError {
  constructor(message: string, details: unknown, code: CodeWithStatus<503>) {
    super(code, message, details);
  }
}

/** A configuration value is missing or invalid; raised once at start-up, never an API answer. */
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

/** The codes of CLI usage errors (docs/cli.md); the status is the process exit code 2. */
export type CliErrorCode = 'cli_usage' | 'import_invalid_input' | 'import_file_missing';

/** The CLI was used wrongly or its input is bad (a missing option, a malformed line of an import file). */
export class CliUsageError extends LabelhookError {
  constructor(message: string, details?: unknown, code: CliErrorCode = 'cli_usage') {
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

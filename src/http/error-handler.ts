import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { catalogMessage, QUERY_STATUS, statusOf, type ErrorCode } from '../error-catalog.js';
import { LabelhookError } from '../errors.js';

/** Answers the catalog error `code` with the catalog's status (or `status`, where the catalog allows another) and message. */
export function sendCatalogError(reply: FastifyReply, code: ErrorCode, message = catalogMessage(code), details: unknown = null, status = statusOf(code)): FastifyReply {
  return reply.status(status).send({ error: { code, message, details } });
}

/** The one place errors become HTTP answers: `{"error": {"code", "message", "details"}}` with the right status. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | LabelhookError | Error, request, reply) => {
    if (err instanceof LabelhookError) {
      // A 5xx is the server's or the database's fault, not the caller's: the operator needs to see it.
      if (err.status >= 500) request.log.error({ err }, err.message);
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      // Valid JSON whose content breaks the schema is 422; a bad path or query string is 400.
      const status = fe.validationContext === 'body' ? statusOf('validation_failed') : QUERY_STATUS.validation_failed;
      const details = fe.validation.map((v) => ({ path: v.instancePath || '/', message: v.message, params: v.params }));
      return sendCatalogError(reply, 'validation_failed', `Invalid ${fe.validationContext ?? 'request'}: ${fe.message}`, details, status);
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendCatalogError(reply, 'payload_too_large');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendCatalogError(reply, 'malformed_json', `The body is not valid JSON: ${fe.message}`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendCatalogError(reply, 'unsupported_media_type');
    }
    if (fe.name === 'SyntaxError' || (fe.statusCode === 400 && !fe.code?.startsWith('FST_ERR_'))) {
      return sendCatalogError(reply, 'malformed_json', `The body is not valid JSON: ${fe.message}`);
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      // A 4xx the framework raised keeps its status (docs/errors.md).
      return sendCatalogError(reply, 'bad_request', fe.message, null, fe.statusCode);
    }
    request.log.error({ err }, 'unhandled error');
    return sendCatalogError(reply, 'internal_error');
  });
  app.setNotFoundHandler((request, reply) => {
    sendCatalogError(reply, 'route_not_found', `No route ${request.method} ${request.url}.`);
  });
}

import type { FastifyError, FastifyInstance } from 'fastify';
import { LabelhookError } from '../errors.js';

/** The one place errors become HTTP answers: `{"error": {"code", "message", "details"}}` with the right status. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | LabelhookError | Error, request, reply) => {
    if (err instanceof LabelhookError) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      // Valid JSON whose content breaks the schema is 422; a bad path or query string is 400.
      const status = fe.validationContext === 'body' ? 422 : 400;
      return reply.status(status).send({
        error: {
          code: 'validation_failed',
          message: `Invalid ${fe.validationContext ?? 'request'}: ${fe.message}`,
          details: fe.validation.map((v) => ({ path: v.instancePath || '/', message: v.message, params: v.params })),
        },
      });
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send({ error: { code: 'payload_too_large', message: 'The request body is larger than the server accepts.', details: null } });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send({ error: { code: 'malformed_json', message: `The body is not valid JSON: ${fe.message}`, details: null } });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send({ error: { code: 'unsupported_media_type', message: 'Send JSON with content-type: application/json.', details: null } });
    }
    if (fe.name === 'SyntaxError' || (fe.statusCode === 400 && !fe.code?.startsWith('FST_ERR_'))) {
      return reply.status(400).send({ error: { code: 'malformed_json', message: `The body is not valid JSON: ${fe.message}`, details: null } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ error: { code: 'bad_request', message: fe.message, details: null } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal_error', message: 'An unexpected error occurred; it was logged.', details: null } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'route_not_found', message: `No route ${request.method} ${request.url}.`, details: null } });
  });
}

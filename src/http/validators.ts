import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

// allowUnionTypes: an id field may take a string id or its integer alias (docs/api.md "Integer ids").
const SHARED = { removeAdditional: false, useDefaults: true, allErrors: false, allowUnionTypes: true } as const;

/**
 * Two ajv configurations: request bodies are JSON, whose types the client chose, so they are validated as sent
 * (`{"name": 42}` is a 422, not a project named "42"); query strings, path parameters and headers are text, so
 * they keep the documented coercion (`?limit=10` is the integer 10, a single value is a one-item array).
 */
export function schemaController(): SchemaController {
  const fromPool = AjvCompiler();
  return {
    compilersFactory: {
      buildValidator(externalSchemas) {
        const strict = fromPool(externalSchemas, { customOptions: { ...SHARED, coerceTypes: false } });
        const coercing = fromPool(externalSchemas, { customOptions: { ...SHARED, coerceTypes: 'array' } });
        return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
      },
    },
  };
}

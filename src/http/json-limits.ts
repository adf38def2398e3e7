import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';

/** Limits on the shape of every JSON request body, free-form values (document `data`, custom `headers`) included. */
export const JSON_LIMITS = {
  /** Deepest nesting of arrays and objects, the body itself being level 1. */
  maxDepth: 64,
  /** Most keys in one object. */
  maxKeysPerObject: 1000,
} as const;

/**
 * Throws ValidationError (422) naming the limit when `value` nests deeper or has a wider object than JSON_LIMITS.
 * Iterative, so a 10,000-level body costs a loop, not a stack overflow later in validation or serialisation.
 */
export function checkJsonShape(value: unknown): void {
  // Paths are built only for an error: a large import has millions of nodes.
  const stack: Frame[] = [{ node: value, depth: 1, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { node, depth } = frame;
    if (node === null || typeof node !== 'object') continue;
    if (depth > JSON_LIMITS.maxDepth) {
      const at = pathOf(frame);
      throw new ValidationError(`The body nests arrays and objects deeper than ${JSON_LIMITS.maxDepth} levels (at ${at.slice(0, 200)}).`, { limit: JSON_LIMITS.maxDepth, path: at.slice(0, 1000) }, 'json_too_deep');
    }
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], depth: depth + 1, parent: frame, key: String(i) });
      continue;
    }
    const keys = Object.keys(node);
    if (keys.length > JSON_LIMITS.maxKeysPerObject) {
      const at = pathOf(frame);
      throw new ValidationError(`An object in the body has ${keys.length} keys, more than ${JSON_LIMITS.maxKeysPerObject} (at ${at.slice(0, 200)}).`, { limit: JSON_LIMITS.maxKeysPerObject, path: at.slice(0, 1000) }, 'json_too_many_keys');
    }
    for (const key of keys) stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1, parent: frame, key });
  }
}

interface Frame {
  node: unknown;
  depth: number;
  parent: Frame | null;
  key: string;
}

function pathOf(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | null = frame; f?.parent; f = f.parent) keys.push(f.key);
  return keys.length === 0 ? '/' : `/${keys.reverse().join('/')}`;
}

/** Replaces Fastify's JSON body parser with the same parser (prototype poisoning refused) followed by checkJsonShape. */
export function installJsonLimits(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (err, value) => {
      if (err) return done(err);
      try {
        checkJsonShape(value);
      } catch (shapeErr) {
        return done(shapeErr as Error);
      }
      done(null, value);
    });
  });
}

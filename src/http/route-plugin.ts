import type { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { FromSchema } from './from-schema.js';

/**
 * What a handler may send for a response schema: the value it describes; nothing for `{ type: 'null' }` (a 204);
 * or a stream, which Fastify writes through without its serializer (exports, downloads, large JSON answers).
 * Fastify's own `send()` types reject streams once a reply type is set, hence the explicit `Readable`; a streamed
 * body is checked by the route's tests, not by the compiler.
 */
type ReplyOf<S> = S extends { type: 'null' } ? undefined : FromSchema<S> | Readable;

/**
 * Types params, query string, headers and body from the route's JSON schemas, and replies from its response
 * schemas per status code (see from-schema.ts), so a view that drifts from its schema fails to compile.
 */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: FromSchema<this['schema']>;
  serializer: ReplyOf<this['schema']>;
}

/** What every route module is given when registered. */
export interface RouteOptions {
  ctx: AppContext;
}

/** A route module: a Fastify plugin whose requests and replies are typed from its schemas. */
export type RoutePlugin<O extends object = RouteOptions> = FastifyPluginAsync<O, RawServerDefault, SchemaTypeProvider>;

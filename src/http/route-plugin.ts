import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { FromSchema } from './from-schema.js';

/**
 * Types params, query string, headers and body from the route's JSON schemas (see from-schema.ts). Replies are
 * not checked against the response schemas yet: several domain views are looser than their schemas (docs/architecture.md).
 */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: FromSchema<this['schema']>;
}

/** What every route module is given when registered. */
export interface RouteOptions {
  ctx: AppContext;
}

/** A route module: a Fastify plugin whose requests and replies are typed from its schemas. */
export type RoutePlugin<O extends object = RouteOptions> = FastifyPluginAsync<O, RawServerDefault, SchemaTypeProvider>;

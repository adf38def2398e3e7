import type { ServerResponse } from 'node:http';
import type { AppContext } from '../../app-context.js';
import { resolveStreamFilter } from '../../domain/event-stream-filter.js';
import { unusableKeyIds } from '../../domain/api-keys.js';
import { PRINCIPAL_CACHE_TTL_MS } from '../../domain/principal-cache.js';
import { TooManyError } from '../../errors.js';
import { parseLastEventId } from '../../input-parsers.js';
import { latestEventSeq, streamEvents } from '../../events/event-stream.js';
import type { OpenStreams } from '../../events/open-streams.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RouteOptions, RoutePlugin } from '../route-plugin.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The event streams open right now (tests check that a closed client leaves nothing behind). */
    eventStreams: OpenStreams;
  }
}

/** The app owns the set of open streams (it is `app.eventStreams`); this plugin fills and empties it. */
export interface EventStreamPluginOptions extends RouteOptions, EventStreamRouteOptions {
  streams: OpenStreams;
}

export interface EventStreamRouteOptions {
  /** Comment lines sent while nothing happens, so proxies keep the connection and clients notice a dead one. */
  heartbeatMs?: number;
  pollIntervalMs?: number;
  /** How often open streams' keys are checked for revocation (half the key-cache time by default). */
  revocationCheckMs?: number;
}

const HEARTBEAT_MS = 15_000;

/** `GET /api/v1/events/stream`: the team's events as server-sent events, resumable by seq (what `labelhook listen` reads). */
export const eventStreamRoutes: RoutePlugin<EventStreamPluginOptions> = async (app, options) => {
  const { ctx, streams } = options;
  const stopWatching = watchRevocations(ctx, streams, options.revocationCheckMs ?? PRINCIPAL_CACHE_TTL_MS / 2);
  // Streams never end on their own: close them before the server waits for its connections to finish.
  app.addHook('preClose', async () => {
    stopWatching();
    streams.closeAll();
  });

  app.get(
    '/events/stream',
    {
      schema: {
        tags: ['events'],
        summary: 'Stream the team’s events (server-sent events)',
        description:
          'A temporary, team-scoped subscription that lasts as long as the connection. Each message has `id: <seq>`, ' +
          '`event: <type>` and `data: <event JSON>`; the first message (`event: ready`) carries the position the stream ' +
          'starts from. Resume after a disconnect with the `Last-Event-ID` header (or `since`): stored events after that ' +
          'seq are replayed first, then new ones follow as they commit. Comment lines are sent every 15 s as heartbeats.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            types: { type: 'string', maxLength: 2000, description: 'Comma-separated event types (default: all).' },
            projectId: { type: 'string', maxLength: 100 },
            since: { type: 'integer', minimum: 0, description: 'Replay events after this seq (Last-Event-ID wins when both are sent).' },
          },
        },
        response: {
          200: { description: 'An endless text/event-stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const query = request.query;
      const filter = await resolveStreamFilter(ctx.store.db, p, query);
      const afterSeq = parseLastEventId(request.headers['last-event-id']) ?? query.since ?? (await latestEventSeq(ctx.store));
      const cap = ctx.config.maxStreamsPerTeam;
      if (streams.countFor(p.teamId) >= cap) {
        throw new TooManyError(`Your team already has ${cap} event streams open in this server; close one first.`, { limit: cap }, 'stream_limit_reached');
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Reverse proxies (nginx) buffer responses by default, which would hold events back.
        'x-accel-buffering': 'no',
      });
      const abort = new AbortController();
      const unregister = streams.add({
        teamId: p.teamId,
        apiKeyId: p.apiKeyId,
        close: () => {
          abort.abort();
          if (!res.writableEnded) res.end();
        },
      });
      // The subscription lives exactly as long as the connection.
      res.on('close', () => abort.abort());
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
      res.write(`retry: 1000\nid: ${afterSeq}\nevent: ready\ndata: ${JSON.stringify({ seq: afterSeq })}\n\n`);
      try {
        const events = streamEvents({
          store: ctx.store,
          filter,
          afterSeq,
          signal: abort.signal,
          commitSignal: ctx.commitSignal,
          pollIntervalMs: options.pollIntervalMs,
          clock: ctx.clock,
        });
        for await (const event of events) {
          const flushed = res.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          // A slow client must not make the server buffer the whole backlog in memory.
          if (!flushed) await drained(res, abort.signal);
        }
      } catch (err) {
        if (!abort.signal.aborted) request.log.error({ err }, 'event stream failed');
      } finally {
        clearInterval(heartbeat);
        unregister();
        if (!res.writableEnded) res.end();
      }
    },
  );
};

/**
 * Ends the streams whose API key was revoked (in any process) within `intervalMs` plus one query: a stream
 * authenticates once, when it opens, so without this a revoked key would keep receiving the team's events.
 */
function watchRevocations(ctx: AppContext, streams: OpenStreams, intervalMs: number): () => void {
  let checking = false;
  const timer = setInterval(() => {
    if (checking || streams.size === 0) return;
    checking = true;
    unusableKeyIds(ctx.store.db, streams.keyIds())
      .then((revoked) => streams.closeKeys(revoked))
      .catch((err: unknown) => ctx.logger.warn({ err }, 'could not check open event streams for revoked keys'))
      .finally(() => {
        checking = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { StoredEvent } from '../../src/events/event.js';
import { bearer } from './app.js';

let counter = 0;

/** Adds a member with `role` to the team of `adminKey` through the API and returns its API key. */
export async function addMember(app: FastifyInstance, adminKey: string, role: 'admin' | 'labeler' | 'reviewer'): Promise<string> {
  counter += 1;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/members',
    headers: bearer(adminKey),
    payload: { email: `${role}${counter}@example.test`, role },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().apiKey as string;
}

/** Creates a second team with the instance admin's key and returns its id and admin key. */
export async function addTeam(app: FastifyInstance, instanceAdminKey: string, name = 'Other team'): Promise<{ id: string; apiKey: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/teams', headers: bearer(instanceAdminKey), payload: { name } });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, apiKey: res.json().apiKey };
}

/** Creates a project through the API with `key` and returns the answer. */
export async function addProject(app: FastifyInstance, key: string, body: object = {}): Promise<{ id: string } & Record<string, unknown>> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/projects',
    headers: bearer(key),
    payload: { name: 'Reviews', labelSet: [{ id: 'pos', label: 'Positive' }, { id: 'neg', label: 'Negative' }], ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Every event of the key's team, oldest first, optionally narrowed by query parameters. */
export async function eventsOf(app: FastifyInstance, key: string, query: Record<string, string> = {}): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ ...query, limit: '1000', ...(cursor ? { cursor } : {}) });
    const res = await app.inject({ url: `/api/v1/events?${qs}`, headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { data: StoredEvent[]; nextCursor: string | null };
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

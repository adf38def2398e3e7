import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Sdk from '../../sdk/index.js';
import { EVENT_TYPES as SDK_EVENT_TYPES } from '../../sdk/index.js';
import { EVENT_TYPES } from '../../src/events/catalog.js';
import type { Actor, DocumentRef, LabelView, ProjectRef, TeamRef } from '../../src/events/event.js';
import type { EventDataByType } from '../../src/events/payloads.js';

const sdkDir = fileURLToPath(new URL('../../sdk/', import.meta.url));

describe('the SDK stays self-contained and in step with the server', () => {
  it('imports nothing but its own files and node: built-ins', () => {
    for (const file of readdirSync(sdkDir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(sdkDir + file, 'utf8');
      const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const spec of specifiers) expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\/[\w-]+\.js|node:\w+)$/);
    }
  });

  it('lists the same event types as the server', () => {
    expect([...SDK_EVENT_TYPES]).toEqual([...EVENT_TYPES]);
  });

  it('declares the same event model as the server', () => {
    expectTypeOf<Sdk.EventDataByType>().toEqualTypeOf<EventDataByType>();
    expectTypeOf<Sdk.ProjectRef>().toEqualTypeOf<ProjectRef>();
    expectTypeOf<Sdk.DocumentRef>().toEqualTypeOf<DocumentRef>();
    expectTypeOf<Sdk.LabelView>().toEqualTypeOf<LabelView>();
    expectTypeOf<Sdk.Actor>().toEqualTypeOf<Actor>();
    expectTypeOf<Sdk.TeamRef>().toEqualTypeOf<TeamRef>();
  });

  it('types verifyWebhook’s result by format', () => {
    expectTypeOf<ReturnType<typeof Sdk.verifyWebhook<'labelator'>>>().toEqualTypeOf<Sdk.LabelatorWebhookBody>();
    expectTypeOf<Sdk.StandardWebhookEvent & { type: 'TASKS_CREATED' }>().toHaveProperty('data').toHaveProperty('documents');
  });
});

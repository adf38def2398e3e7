import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Sdk from '../../sdk/index.js';

const sdkDir = fileURLToPath(new URL('../../sdk/', import.meta.url));

describe('the SDK stays self-contained and typed', () => {
  it('imports nothing but its own files and node: built-ins', () => {
    for (const file of readdirSync(sdkDir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(sdkDir + file, 'utf8');
      const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const spec of specifiers) expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\/[\w-]+\.js|node:\w+)$/);
    }
  });

  it('types verifyWebhook’s result by format', () => {
    expectTypeOf<ReturnType<typeof Sdk.verifyWebhook<'labelator'>>>().toEqualTypeOf<Sdk.LabelatorWebhookBody>();
    expectTypeOf<Sdk.StandardWebhookEvent & { type: 'TASKS_CREATED' }>().toHaveProperty('data').toHaveProperty('documents');
  });
});

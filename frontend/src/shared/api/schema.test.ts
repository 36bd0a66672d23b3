// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, HEADER } from '../../../scripts/api-types.mjs';

const document = new URL('../../../openapi.json', import.meta.url);
const checkedIn = new URL('./schema.gen.ts', import.meta.url);
const required = process.env.AYNI_REQUIRE_OPENAPI === '1';

// Like openapi.test.ts: scripts/test and .ci/run export the document and set AYNI_REQUIRE_OPENAPI=1.
describe('schema.gen.ts is what openapi-typescript makes of frontend/openapi.json', () => {
  it('has not drifted from the API', async () => {
    if (!existsSync(document)) {
      expect(required, 'frontend/openapi.json is missing: export it with `ayni openapi > frontend/openapi.json`').toBe(false);
      console.warn('frontend/openapi.json not exported: the generated API types were not checked');
      return;
    }
    const fresh = await generate(readFileSync(document, 'utf8'));
    const current = readFileSync(checkedIn, 'utf8');
    // Not toEqual on 2,000 lines: one clear sentence says what to do.
    expect(current === fresh, 'src/shared/api/schema.gen.ts differs from frontend/openapi.json: run `npm run api:types` and commit it').toBe(true);
  });

  it('generates the same text every time, under its header, and follows the document', async () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: { schemas: { B: { type: 'object', properties: { z: { type: 'string' }, a: { type: 'integer', default: 0 } }, required: ['z'] } } },
    };
    const first = await generate(JSON.stringify(doc));
    expect(await generate(JSON.stringify(doc))).toBe(first);
    expect(first.startsWith(HEADER)).toBe(true);
    // Alphabetized, and a field with a default stays optional (the client may leave it out).
    expect(first).toMatch(/a\?: number;\s+z: string;/);
    doc.components.schemas.B.required = [];
    expect(await generate(JSON.stringify(doc))).not.toBe(first);
  });
});

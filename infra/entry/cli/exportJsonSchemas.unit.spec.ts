import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_DIR, integrationJsonSchemas } from '../../adapters/kafka/jsonSchemas.js';

const directory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', JSON_SCHEMA_DIR);

describe('committed JSON Schemas', () => {
  it('equal what the zod contract generates (run `npx tsx infra/entry/cli/exportJsonSchemas.ts` after a change)', () => {
    const generated = integrationJsonSchemas();
    const committed = readdirSync(directory)
      .filter((file) => file.endsWith('.schema.json'))
      .sort();
    expect(committed).toEqual([...generated.keys()].sort());
    for (const [file, content] of generated) expect(readFileSync(join(directory, file), 'utf8'), file).toBe(content);
  });

  it('describe one event type each, with integer amounts and the envelope fields required', () => {
    const schema = JSON.parse(integrationJsonSchemas().get('payment.refunded.v1.schema.json') ?? '{}') as {
      $schema: string;
      required: string[];
      properties: Record<string, { type?: unknown; const?: unknown }>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.type?.const).toBe('payment.refunded.v1');
    expect(schema.properties.amount_refunded?.type).toBe('integer');
    expect(schema.required).toEqual(
      expect.arrayContaining(['id', 'type', 'schema_version', 'occurred_at', 'payment_intent_id', 'client_reference_id', 'merchant_id', 'store_id', 'terminal_id', 'currency']),
    );
  });
});

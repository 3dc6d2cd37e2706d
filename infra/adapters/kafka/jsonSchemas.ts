/** JSON Schema (draft 2020-12) of every public integration event, for consumers outside TypeScript. */
import { z } from 'zod';
import { paymentIntegrationEventSchemas } from '../../../schemas/integration/index.js';

/** Where the committed files live, relative to the repository root. */
export const JSON_SCHEMA_DIR = 'schemas/integration/json';

/**
 * File name → file content (`payment.completed.v1.schema.json` → pretty JSON with a final newline).
 * Generated from the zod schemas with `z.toJSONSchema`; `io: 'output'` describes what the relay
 * sends. The objects stay open (`additionalProperties` allowed) so consumers accept added fields.
 */
export function integrationJsonSchemas(): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  for (const [type, schema] of Object.entries(paymentIntegrationEventSchemas)) {
    const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
    const document = { $schema: generated.$schema, $id: `urn:mpac-ledger:integration:${type}`, ...generated };
    files.set(`${type}.schema.json`, `${JSON.stringify(document, null, 2)}\n`);
  }
  return files;
}

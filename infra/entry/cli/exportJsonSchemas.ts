/**
 * Writes the integration events' JSON Schemas to schemas/integration/json (run after changing the
 * contract; exportJsonSchemas.unit.spec.ts fails while the committed files differ):
 *   npx tsx infra/entry/cli/exportJsonSchemas.ts
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_DIR, integrationJsonSchemas } from '../../adapters/kafka/jsonSchemas.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const directory = join(root, JSON_SCHEMA_DIR);
const files = integrationJsonSchemas();
mkdirSync(directory, { recursive: true });
for (const stale of readdirSync(directory).filter((file) => file.endsWith('.schema.json') && !files.has(file))) rmSync(join(directory, stale));
for (const [file, content] of files) writeFileSync(join(directory, file), content);
process.stdout.write(`wrote ${files.size} JSON Schemas to ${JSON_SCHEMA_DIR}: ${[...files.keys()].join(', ')}\n`);

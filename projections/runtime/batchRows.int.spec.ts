import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectionSandboxes } from '../../test/support/projectionSandbox.js';
import { BatchRows, type ScalarColumn } from './batchRows.js';
import type { Projector } from './projector.js';

const COLUMNS: readonly ScalarColumn[] = [
  ['n', 'integer'],
  ['label', 'text'],
  ['amount', 'bigint'],
  ['flag', 'boolean'],
];

const tableOnly: Projector = {
  name: 'batch_rows_spec',
  version: 1,
  tables: ['CREATE TABLE t (n integer PRIMARY KEY, label text, amount bigint, flag boolean, doc json, docb jsonb)'],
  filter: {},
  apply: () => Promise.resolve(),
};

const sandbox = projectionSandboxes(tableOnly);

type Row = { n: number; label: string | null; amount: string | null; flag: boolean | null; doc: unknown; docb: unknown };

async function roundTrip(rows: readonly Omit<Row, 'n'>[]): Promise<Row[]> {
  const box = await sandbox();
  const batch = new BatchRows(COLUMNS, ['doc', 'docb']);
  rows.forEach((row, n) => {
    batch.add([n, row.label, row.amount, row.flag], [row.doc, row.docb]);
  });
  await box.query(`INSERT INTO t (n, label, amount, flag, doc, docb) SELECT n, label, amount, flag, doc, docb::jsonb FROM ${batch.source('r')}`, batch.parameters());
  return box.query<Row>('SELECT n, label, amount::text AS amount, flag, doc, docb FROM t ORDER BY n');
}

describe('BatchRows: rows as array literals and JSON arrays', () => {
  it('sends any text, NULL, integers, flags and JSON values through unchanged, row by row', async () => {
    const awkward = ['', 'NULL', 'null', '{a,b}', 'a"b', 'back\\slash', '\\"', ' spaced ', 'comma,', 'new\nline', '日本語', '{"json":1}', "it's"];
    const rows = awkward.map((label, index) => ({
      label,
      amount: index % 3 === 0 ? null : String(9_007_199_254_740_991 - index),
      flag: index % 2 === 0,
      doc: { label, nested: [label, null, index] },
      docb: index % 4 === 0 ? null : { label },
    }));
    const back = await roundTrip([...rows, { label: null, amount: null, flag: null, doc: null, docb: null }]);
    expect(back.map((row) => ({ label: row.label, amount: row.amount, flag: row.flag, doc: row.doc, docb: row.docb }))).toEqual([
      ...rows,
      { label: null, amount: null, flag: null, doc: null, docb: null },
    ]);
  });

  it('keeps arbitrary strings exact (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(
            fc.string({ unit: 'binary' }).map((text) => text.replaceAll('\u0000', '')),
            { nil: null },
          ),
          { maxLength: 20 },
        ),
        async (labels) => {
          const back = await roundTrip(labels.map((label) => ({ label, amount: null, flag: null, doc: label, docb: null })));
          expect(back.map((row) => row.label)).toEqual(labels);
          expect(back.map((row) => row.doc)).toEqual(labels);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuses a row of the wrong width and a number PostgreSQL cannot store', () => {
    const batch = new BatchRows(COLUMNS);
    expect(() => {
      batch.add([1, 'a', 2]);
    }).toThrow(RangeError);
    expect(() => {
      batch.add([Number.NaN, 'a', 2, true]);
    }).toThrow(RangeError);
  });
});

/**
 * How a projector sends a batch's rows to PostgreSQL in one statement: one array parameter per
 * scalar column, zipped back into rows with `ROWS FROM (unnest($1::t1[]), …)`, and the JSON columns
 * (an intent's state, an entry's metadata) as ONE JSON array parameter per column, zipped in by
 * `json_array_elements`. Measured against `json_to_recordset` over one JSON document: PostgreSQL
 * parses typed arrays faster than it parses every row's keys, and a JSON value stays one
 * `JSON.stringify` in the process (as an element of a text array it would be escaped again, quote by
 * quote). The array parameters are written here as PostgreSQL array literals (`{"a","b",NULL}`),
 * escaping only the elements that hold a quote or a backslash, instead of by the driver, which
 * runs two replacements over every element.
 *
 * @example
 *   const batch = new BatchRows([['id', 'text'], ['amount', 'bigint']], ['state']);
 *   batch.add(['pi_1', 1200], [{ status: 'completed' }]);
 *   await sql.query(`INSERT INTO t (id, amount, state) SELECT * FROM ${batch.source('r')}`, batch.parameters());
 */
export type ScalarColumn = readonly [name: string, type: string];

/** What a scalar column's value may be: text (any string), an integer or a flag, or NULL. */
export type ScalarValue = string | number | boolean | null;

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** One element of an array literal: always quoted when text, so '', 'NULL' or '{a}' stay text. */
function arrayElement(value: ScalarValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`BatchRows: ${value} is not a number PostgreSQL can store`);
  return String(value);
}

export class BatchRows {
  private readonly scalars: string[][];
  private readonly json: unknown[][];
  private count = 0;

  constructor(
    private readonly scalarColumns: readonly ScalarColumn[],
    private readonly jsonColumns: readonly string[] = [],
    private readonly firstParameter = 1,
  ) {
    this.scalars = scalarColumns.map(() => []);
    this.json = jsonColumns.map(() => []);
  }

  get size(): number {
    return this.count;
  }

  /** One row: its scalar values in column order, then its JSON values (plain data, stringified once). */
  add(scalars: readonly ScalarValue[], json: readonly unknown[] = []): void {
    const { length } = this.scalars;
    if (scalars.length !== length || json.length !== this.json.length) throw new RangeError('BatchRows.add: wrong number of values');
    for (let index = 0; index < length; index += 1) this.scalars[index]?.push(arrayElement(scalars[index] ?? null));
    for (let index = 0; index < json.length; index += 1) this.json[index]?.push(json[index]);
    this.count += 1;
  }

  /** The FROM item of the rows: `ROWS FROM (unnest($1::text[]), …, json_array_elements($n::json)) AS alias(…)`. */
  source(alias: string): string {
    const scalarSources = this.scalarColumns.map(([, type], index) => `unnest($${this.firstParameter + index}::${type}[])`);
    const jsonSources = this.jsonColumns.map((_, index) => `json_array_elements($${this.firstParameter + this.scalarColumns.length + index}::json)`);
    const names = [...this.scalarColumns.map(([name]) => name), ...this.jsonColumns];
    return `ROWS FROM (${[...scalarSources, ...jsonSources].join(', ')}) AS ${alias}(${names.join(', ')})`;
  }

  /** How many parameters `source` uses. */
  get parameterCount(): number {
    return this.scalarColumns.length + this.jsonColumns.length;
  }

  /** The parameters of `source`, in order. */
  parameters(): string[] {
    return [...this.scalars.map((elements) => `{${elements.join(',')}}`), ...this.json.map((values) => JSON.stringify(values))];
  }
}

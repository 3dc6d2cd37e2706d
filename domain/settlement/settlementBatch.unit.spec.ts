import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import {
  settlementBatchDecider,
  toSettlementBatchStreamName,
  type CloseSettlementBatch,
  type SettlementBatchClosed,
  type SettlementBatchCommand,
  type SettlementBatchEvent,
} from './index.js';

const given = deciderSpec(settlementBatchDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

const ids = {
  batchId: 'stb_01HZY3J5K6M7N8P9QRSTVWXYZ0',
  clientPartnerId: 'cp_01HZY3J5K6M7N8P9QRSTVWXYZ0',
  merchantId: 'mer_01HZY3J5K6M7N8P9QRSTVWXYZ0',
} as const;

const close = (overrides: Partial<CloseSettlementBatch['data']> = {}): CloseSettlementBatch => ({
  type: 'CloseSettlementBatch',
  data: { ...ids, provider: 'paypay', businessDate: '2025-06-01', now: '2025-06-02T01:00:00.000Z', ...overrides },
});

const closed = (overrides: Partial<SettlementBatchClosed['data']> = {}): SettlementBatchClosed => ({
  type: 'SettlementBatchClosed',
  data: { ...ids, provider: 'paypay', businessDate: '2025-06-01', closedAt: '2025-06-02T01:00:00.000Z', ...overrides },
});

type Row = Readonly<{
  name: string;
  given: readonly SettlementBatchEvent[];
  when: SettlementBatchCommand;
  then: readonly SettlementBatchEvent[] | string;
}>;

// Given / when / then. `now` is 2025-06-02T01:00Z unless the row says otherwise: 10:00 JST, 15:00 in UTC+14.
const table: readonly Row[] = [
  { name: 'an open batch of a past day closes', given: [], when: close(), then: [closed()] },
  { name: 'the card acquirer batch closes too', given: [], when: close({ provider: 'card' }), then: [closed({ provider: 'card' })] },
  {
    name: 'a day still running somewhere closes (its late events become adjustments)',
    given: [],
    when: close({ businessDate: '2025-06-02' }),
    then: [closed({ businessDate: '2025-06-02' })],
  },
  {
    name: 'the calendar date in UTC+14 is the last day that may close',
    given: [],
    when: close({ businessDate: '2025-06-03', now: '2025-06-02T10:00:00.000Z' }),
    then: [closed({ businessDate: '2025-06-03', closedAt: '2025-06-02T10:00:00.000Z' })],
  },
  {
    name: 'a day not yet begun anywhere is refused',
    given: [],
    when: close({ businessDate: '2025-06-03', now: '2025-06-02T09:59:59.999Z' }),
    then: 'settlement.business_day_not_over',
  },
  { name: 'a closed batch refuses a second close', given: [closed()], when: close(), then: 'settlement.batch_already_closed' },
  {
    name: 'a closed batch refuses a close under another batch id',
    given: [closed()],
    when: close({ batchId: 'stb_01HZY3J5K6M7N8P9QRSTVWXYZ1' }),
    then: 'settlement.batch_already_closed',
  },
  { name: 'a malformed batch id is refused', given: [], when: close({ batchId: 'batch-1' }), then: 'settlement.invalid_id' },
  { name: 'a malformed merchant id is refused', given: [], when: close({ merchantId: 'str_01HZY3J5K6M7N8P9QRSTVWXYZ0' }), then: 'settlement.invalid_id' },
  { name: 'cash is not settled', given: [], when: close({ provider: 'cash' as never }), then: 'settlement.invalid_provider' },
  { name: 'a date that does not exist is refused', given: [], when: close({ businessDate: '2025-02-29' }), then: 'settlement.invalid_business_date' },
  { name: 'a non-canonical instant is refused', given: [], when: close({ now: '2025-06-02T01:00:00Z' }), then: 'settlement.invalid_timestamp' },
  { name: 'validation comes before the already-closed check', given: [closed()], when: close({ businessDate: '2025-13-01' }), then: 'settlement.invalid_business_date' },
];

describe('SettlementBatch decider', () => {
  it.each(table)('$name', (row) => {
    const then = given(row.given).when(row.when);
    if (typeof row.then === 'string') then.thenThrows(row.then);
    else then.then(row.then);
  });

  it('evolves to closed once; a second close event keeps the first', () => {
    const first = settlementBatchDecider.evolve(settlementBatchDecider.initialState(), closed());
    const second = settlementBatchDecider.evolve(first, closed({ batchId: 'stb_01HZY3J5K6M7N8P9QRSTVWXYZ1' }));
    expect(second).toStrictEqual({ status: 'closed', ...closed().data });
  });

  it('names one stream per merchant × provider × business date', () => {
    expect(toSettlementBatchStreamName(ids.merchantId, 'paypay', '2025-06-01')).toBe(`SettlementBatch-${ids.merchantId}-paypay-2025-06-01`);
  });
});

/**
 * `executeCommand` after a conflict, on the real event store: the retry reads and decodes only the
 * events appended since its first load, folds them onto that state, and decides on the current one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { merchantDecider, parseClientPartnerId, parseMerchantId, toMerchantStreamName, type MerchantCommand, type MerchantState } from '../domain/tenancy/index.js';
import { startTestLedger, type TestLedger } from '../test/support/testLedger.js';
import { executeCommand } from './handleCommand.js';

let harness: TestLedger;
beforeAll(async () => {
  harness = await startTestLedger();
});
afterAll(async () => {
  await harness.close();
});

describe('executeCommand after a conflict', () => {
  it('the retry reads only the events appended since and decides on the state they lead to', async () => {
    const context = harness.ledger.context;
    const merchantId = parseMerchantId(context.newId('mer'));
    const clientPartnerId = parseClientPartnerId(context.newId('cp'));
    const stream = toMerchantStreamName(merchantId);
    const now = context.now().toISOString();
    const rename = (name: string): MerchantCommand => ({ type: 'RenameMerchant', data: { merchantId, legalName: `${name} KK`, displayName: name, now } });
    const respond = (state: MerchantState) => ({ status: 200, body: JSON.stringify(state.status === 'not_onboarded' ? null : state.displayName) });
    const run = (command: (state: MerchantState) => MerchantCommand, beforeAppend?: () => Promise<void>) =>
      executeCommand(context, {
        aggregate: merchantDecider,
        stream,
        command,
        respond,
        metadata: { actor: 'test:conflict' },
        ...(beforeAppend === undefined ? {} : { beforeAppend }),
      });
    await run(() => ({ type: 'OnboardMerchant', data: { merchantId, clientPartnerId, legalName: 'A KK', displayName: 'A', clientPartnerStatus: 'active', now } }));
    await run(() => rename('B'));

    const reads = vi.spyOn(context.store, 'readStream');
    const seen: string[] = [];
    let raced = false;
    // Another writer renames the merchant to C between the first decision and its append.
    const outcome = await run(
      (state) => {
        seen.push(state.status === 'not_onboarded' ? '' : state.displayName);
        return rename(`${state.status === 'not_onboarded' ? '' : state.displayName}+`);
      },
      async () => {
        if (raced) return;
        raced = true;
        await run(() => rename('C'));
      },
    );
    const streamReads = reads.mock.calls.filter(([name]) => name === stream).map(([, options]) => options.fromRevision ?? 0);
    reads.mockRestore();
    expect(seen).toEqual(['B', 'C']);
    expect(outcome).toEqual({ response: { status: 200, body: '"C+"' }, appended: 1 });
    // The outer command's first load, the racing writer's own load, then the retry from revision 2 (C's) only.
    expect(streamReads).toEqual([0, 0, 2]);
    expect((await context.store.readStream(stream, { maxCount: 10 })).map((event) => event.type)).toEqual([
      'MerchantOnboarded',
      'MerchantRenamed',
      'MerchantRenamed',
      'MerchantRenamed',
    ]);
  });
});

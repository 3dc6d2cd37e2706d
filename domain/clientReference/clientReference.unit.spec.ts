/**
 * What this proves: a store's client reference is reserved once, for one intent, by one
 * idempotency key. The same reservation again decides nothing (a retry after a conflict or a
 * crash); any other intent or key is refused with `duplicate_reference`, naming the holder; and
 * `reservedUnder` gives a retried create its reserved intent back only under the reserving key.
 */
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../shared/testing/deciderSpec.js';
import { DuplicateReferenceError, clientReferenceDecider, reservedUnder, toClientReferenceStreamName, type ClientReferenceReserved, type ReserveClientReference } from './index.js';

const given = deciderSpec(clientReferenceDecider, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

const key = { scope: 'terminal:trm_01', key: 'k-1' };
const reserve = (paymentIntentId = 'pi_01', reservedBy = key): ReserveClientReference => ({
  type: 'ReserveClientReference',
  data: { storeId: 'str_01', clientReferenceId: 'order-1', paymentIntentId, reservedBy },
});
const reserved: ClientReferenceReserved = { type: 'ClientReferenceReserved', data: { paymentIntentId: 'pi_01', scope: key.scope, key: key.key } };

describe('ClientReference', () => {
  it('names its stream by store and reference', () => {
    expect(toClientReferenceStreamName('str_01', 'order-1')).toBe('ClientReference-str_01-order-1');
  });

  it('reserves a free reference for the intent and the key', () => {
    given([]).when(reserve()).then([reserved]);
  });

  it('decides nothing for the same reservation again', () => {
    given([reserved]).when(reserve()).thenNothingHappened();
  });

  it.each([
    ['another intent, same key', reserve('pi_02')],
    ['the same intent, another key', reserve('pi_01', { scope: key.scope, key: 'k-2' })],
    ['the same key text, another caller', reserve('pi_01', { scope: 'partner:cp_01', key: key.key })],
  ])('refuses %s as duplicate_reference', (_name, command) => {
    given([reserved]).when(command).thenThrows('duplicate_reference');
  });

  it('names the holder in the refusal', () => {
    const state = clientReferenceDecider.evolve(clientReferenceDecider.initialState(), reserved);
    const refusal = (() => {
      try {
        return clientReferenceDecider.decide(reserve('pi_02'), state);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(DuplicateReferenceError);
    expect(refusal).toMatchObject({ code: 'duplicate_reference', paymentIntentId: 'pi_01', clientReferenceId: 'order-1' });
  });

  it('keeps the first reservation if a second one were ever stored', () => {
    const second: ClientReferenceReserved = { type: 'ClientReferenceReserved', data: { paymentIntentId: 'pi_09', scope: 'x', key: 'y' } };
    given([reserved, second]).when(reserve()).thenNothingHappened();
  });

  it('gives the reserved intent back only under the reserving key', () => {
    const state = clientReferenceDecider.evolve(clientReferenceDecider.initialState(), reserved);
    expect(reservedUnder(state, key)).toBe('pi_01');
    expect(reservedUnder(state, { scope: key.scope, key: 'k-2' })).toBeNull();
    expect(reservedUnder(clientReferenceDecider.initialState(), key)).toBeNull();
  });
});

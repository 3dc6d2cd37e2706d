/**
 * What this proves: the given/when/then helper can fail. It folds the given events before deciding,
 * and it reports a mismatch for each kind of wrong outcome (other events, events instead of a
 * refusal, another code, an unexpected non-domain error), so a spec written with it is not a
 * tautology.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domainError.js';
import { deciderSpec } from './deciderSpec.js';

type Command = Readonly<{ type: 'Add'; amount: number }> | Readonly<{ type: 'Refuse' }> | Readonly<{ type: 'Crash' }>;
type Event = Readonly<{ type: 'Added'; total: number }>;

const counter = {
  initialState: () => 0,
  evolve: (_state: number, event: Event) => event.total,
  decide: (command: Command, state: number): Event[] => {
    if (command.type === 'Refuse') throw new DomainError('counter.refused', 'no');
    if (command.type === 'Crash') throw new TypeError('boom');
    return command.amount === 0 ? [] : [{ type: 'Added', total: state + command.amount }];
  },
};

const strict = deciderSpec(counter, (actual, expected) => {
  expect(actual).toStrictEqual(expected);
});

describe('deciderSpec', () => {
  it('passes when the outcome matches, folding the given events first', () => {
    strict([{ type: 'Added', total: 5 }])
      .when({ type: 'Add', amount: 2 })
      .then([{ type: 'Added', total: 7 }]);
    strict([]).when({ type: 'Add', amount: 0 }).thenNothingHappened();
    strict([]).when({ type: 'Refuse' }).thenThrows('counter.refused');
  });

  it.each([
    [
      'other events',
      () => {
        strict([])
          .when({ type: 'Add', amount: 1 })
          .then([{ type: 'Added', total: 2 }]);
      },
    ],
    [
      'events where nothing should happen',
      () => {
        strict([]).when({ type: 'Add', amount: 1 }).thenNothingHappened();
      },
    ],
    [
      'events instead of a refusal',
      () => {
        strict([]).when({ type: 'Add', amount: 1 }).thenThrows('counter.refused');
      },
    ],
    [
      'another refusal code',
      () => {
        strict([]).when({ type: 'Refuse' }).thenThrows('counter.other');
      },
    ],
    [
      'a crash instead of events',
      () => {
        strict([]).when({ type: 'Crash' }).then([]);
      },
    ],
  ])('fails on %s', (_name, specification) => {
    expect(specification).toThrow();
  });
});

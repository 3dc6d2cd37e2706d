/**
 * What this proves: the given/when/then helper can fail. It folds the given events before deciding,
 * and it reports a mismatch for each kind of wrong outcome (other events, events instead of a
 * refusal, another code, an unexpected non-domain error), so a spec written with it is not a
 * tautology.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domainError.js';
import { deciderSpec, runCommands, specify } from './deciderSpec.js';

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

describe('specify and runCommands', () => {
  it('give the events or the refusal code as values, fold the given events, and let other errors through', () => {
    const spec = specify(counter);
    expect(spec.given([{ type: 'Added', total: 5 }]).when({ type: 'Add', amount: 2 })).toEqual({ events: [{ type: 'Added', total: 7 }] });
    expect(spec.given([]).when({ type: 'Refuse' })).toEqual({ refused: 'counter.refused' });
    expect(() => spec.given([]).when({ type: 'Crash' })).toThrow(TypeError);
  });

  it('hand decide a frozen state, so a decider that mutates its input fails', () => {
    const mutating = {
      initialState: () => ({ total: 0 }),
      evolve: (_state: { total: number }, event: Event) => ({ total: event.total }),
      decide: (_command: Command, state: { total: number }): Event[] => {
        state.total += 1;
        return [];
      },
    };
    expect(() => specify(mutating).given([]).when({ type: 'Add', amount: 1 })).toThrow(TypeError);
  });

  it('runCommands decides and applies in order, re-deciding each accepted command on the state after it', () => {
    const result = runCommands(counter, [{ type: 'Add', amount: 2 }, { type: 'Refuse' }, { type: 'Add', amount: 3 }]);
    expect(result.state).toBe(5);
    expect(result.steps.map((step) => step.outcome)).toEqual([
      { events: [{ type: 'Added', total: 2 }] },
      { refused: 'counter.refused' },
      { events: [{ type: 'Added', total: 5 }] },
    ]);
    expect(result.steps[1]?.reissue).toBeUndefined();
  });
});

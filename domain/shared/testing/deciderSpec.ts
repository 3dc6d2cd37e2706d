/**
 * Given/when/then specifications for any decider, after emmett's `DeciderSpecification`: the given
 * events are folded with `evolve` from `initialState`, the command is decided, and the outcome is
 * compared. The runner's deep-equality assertion is injected, so the domain imports no test framework.
 *
 * @example
 * const given = deciderSpec(paymentIntentDecider, (actual, expected) => expect(actual).toStrictEqual(expected));
 * given([created]).when(confirm).then([attemptStarted]);
 * given([]).when(capture).thenThrows('payment_intent.not_found');
 */
import type { Decider } from '../decider.js';
import { isDomainError } from '../domainError.js';

export type AssertEqual = (actual: unknown, expected: unknown) => void;

export type DeciderThen<Event> = Readonly<{
  then: (expected: readonly Event[]) => void;
  thenNothingHappened: () => void;
  thenThrows: (code: string) => void;
}>;

export type DeciderGiven<Command, Event> = (given: readonly Event[]) => Readonly<{
  when: (command: Command) => DeciderThen<Event>;
}>;

type Outcome<Event> = { events: readonly Event[] } | { code: string } | { unexpectedError: string };

export function deciderSpec<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  assertEqual: AssertEqual,
): DeciderGiven<Command, Event> {
  return (given) => ({
    when: (command) => {
      const outcome = (): Outcome<Event> => {
        const state = given.reduce<State>((folded, event) => decider.evolve(folded, event), decider.initialState());
        try {
          return { events: decider.decide(command, state) };
        } catch (error) {
          return isDomainError(error) ? { code: error.code } : { unexpectedError: String(error) };
        }
      };
      return {
        then: (expected) => {
          assertEqual(outcome(), { events: expected });
        },
        thenNothingHappened: () => {
          assertEqual(outcome(), { events: [] });
        },
        thenThrows: (code) => {
          assertEqual(outcome(), { code });
        },
      };
    },
  });
}

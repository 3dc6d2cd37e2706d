/**
 * The one spec harness of every decider, in two forms:
 * - `deciderSpec`: given/when/then with the runner's assertion injected (below);
 * - `specify` / `runCommands`: outcomes as values (`{ events }` or `{ refused: code }`) for `expect`
 *   and for properties over random command sequences; the state handed to `decide` is deep-frozen,
 *   so a decider that mutates its input fails.
 *
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

type ThenOutcome<Event> = { events: readonly Event[] } | { code: string } | { unexpectedError: string };

export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>, assertEqual: AssertEqual): DeciderGiven<Command, Event> {
  return (given) => ({
    when: (command) => {
      const outcome = (): ThenOutcome<Event> => {
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

/** What `attempt` gives: the decided events, or the code of the `DomainError` that refused the command. */
export type Outcome<Event> = { readonly events: readonly Event[] } | { readonly refused: string };

const FREEZE_NODES_MAX = 10_000;

function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  for (let visited = 0; pending.length > 0 && visited < FREEZE_NODES_MAX; visited += 1) {
    const node: unknown = pending.pop();
    if (typeof node === 'object' && node !== null && !Object.isFrozen(node)) {
      Object.freeze(node);
      pending.push(...Object.values(node as Record<string, unknown>));
    }
  }
  return value;
}

/** Runs one decision on a deep-frozen state; a `DomainError` becomes a `refused` outcome, anything else propagates. */
export function attempt<Command, Event, State>(decider: Decider<Command, Event, State>, command: Command, state: State): Outcome<Event> {
  try {
    return { events: decider.decide(command, deepFreeze(state)) };
  } catch (error) {
    if (isDomainError(error)) return { refused: error.code };
    throw error;
  }
}

/**
 * @example
 * const spec = specify(merchantDecider);
 * expect(spec.given([onboarded]).when(suspend)).toEqual({ events: [suspended] });
 */
export function specify<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given: (events: readonly Event[]) => ({
      when: (command: Command): Outcome<Event> => attempt(decider, command, events.reduce(decider.evolve, decider.initialState())),
    }),
  };
}

export interface Step<Command, Event, State> {
  readonly before: State;
  readonly command: Command;
  readonly outcome: Outcome<Event>;
  readonly after: State;
  /** The same command decided again on `after`; undefined when the command was refused. */
  readonly reissue: Outcome<Event> | undefined;
}

export interface Run<Command, Event, State> {
  readonly steps: Step<Command, Event, State>[];
  readonly events: Event[];
  readonly state: State;
}

/** Decides and applies commands one after another, as a command handler would. */
export function runCommands<Command, Event, State>(decider: Decider<Command, Event, State>, commands: readonly Command[]): Run<Command, Event, State> {
  const steps: Step<Command, Event, State>[] = [];
  const events: Event[] = [];
  let state = decider.initialState();
  for (const command of commands) {
    const outcome = attempt(decider, command, state);
    const decided = 'events' in outcome ? outcome.events : [];
    const after = decided.reduce(decider.evolve, state);
    const reissue = 'events' in outcome ? attempt(decider, command, after) : undefined;
    steps.push({ before: state, command, outcome, after, reissue });
    events.push(...decided);
    state = after;
  }
  return { steps, events, state };
}

/**
 * The two exhaustiveness helpers used at the end of each tenancy `decide` and `evolve` switch, and
 * `evolveAll`. The decider type itself is the one of every aggregate: domain/shared/decider.ts.
 */
import type { Decider } from '../shared/decider.js';
import { AssertionFailedError } from '../shared/domainError.js';

export type { Decider } from '../shared/decider.js';

/**
 * Folds events into a state, oldest first.
 *
 * @example const state = evolveAll(merchantDecider, eventsFromTheStream);
 */
export function evolveAll<Command, Event, State>(decider: Decider<Command, Event, State>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** End of a `decide` switch: the compiler proves it unreachable; at run time it is a programmer error. */
export function unknownCommand(command: never): never {
  throw new AssertionFailedError(`Unknown tenancy command: ${String((command as { type?: unknown }).type)}`);
}

/**
 * End of an `evolve` switch. `evolve` is total and never throws: an event type this code does not
 * know (written by a newer version) leaves the state as it is.
 */
export const ignoreUnknownEvent = <State>(_event: never, state: State): State => state;

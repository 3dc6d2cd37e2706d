/**
 * The decider shape every tenancy aggregate exports (emmett's three pure functions), plus the two
 * exhaustiveness helpers used at the end of each `decide` and `evolve` switch.
 */
import { InvariantViolation } from './errors.js';

export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/**
 * Folds events into a state, oldest first.
 *
 * @example const state = evolveAll(merchantDecider, eventsFromTheStream);
 */
export function evolveAll<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** End of a `decide` switch: the compiler proves it unreachable; at run time it is a programmer error. */
export function unknownCommand(command: never): never {
  throw new InvariantViolation(`Unknown tenancy command: ${String((command as { type?: unknown }).type)}`);
}

/**
 * End of an `evolve` switch. `evolve` is total and never throws: an event type this code does not
 * know (written by a newer version) leaves the state as it is.
 */
export const ignoreUnknownEvent = <State>(_event: never, state: State): State => state;

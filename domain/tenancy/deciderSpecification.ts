/**
 * A runner-agnostic given/when/then harness for the tenancy deciders (emmett's
 * `DeciderSpecification`, reduced to what the specs need). It imports no test framework, so it
 * stays as pure as the code it exercises; the specs compare its outcomes with `expect`.
 *
 * The state handed to `decide` is deep-frozen first, so a decider that mutates its input fails.
 */
import { evolveAll, type Decider } from './decider.js';
import { TenancyError, type TenancyErrorCode } from './errors.js';

export type Outcome<Event> = { readonly events: readonly Event[] } | { readonly refused: TenancyErrorCode };

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

/** Runs one decision; a TenancyError becomes a `refused` outcome, anything else propagates. */
export function attempt<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  command: Command,
  state: State,
): Outcome<Event> {
  try {
    return { events: decider.decide(command, deepFreeze(state)) };
  } catch (error) {
    if (error instanceof TenancyError) return { refused: error.code };
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
      when: (command: Command): Outcome<Event> => attempt(decider, command, evolveAll(decider, events)),
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
export function runCommands<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  commands: readonly Command[],
): Run<Command, Event, State> {
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

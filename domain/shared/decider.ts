/**
 * The shape of every aggregate: three pure, synchronous functions (emmett's `Decider`).
 * `decide` throws a `DomainError` to refuse a command and returns `[]` when the command's outcome is
 * already in the state; `evolve` is total and never throws.
 */
export type Decider<Command, Event, State> = Readonly<{
  decide: (command: Command, state: State) => readonly Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}>;

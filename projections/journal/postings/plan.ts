/**
 * The building blocks of the posting rules: a plan of entry drafts and hold changes for one event,
 * balanced transfers, and opening / resolving holds (TigerBeetle's pending → post | void).
 */
import type { JsonObject } from '../../../domain/eventStore/index.js';
import type { PaymentIntentEvent, PositiveOutcome } from '../../../domain/paymentIntent/index.js';
import type { ProviderFees } from '../../../domain/tenancy/index.js';
import type { Account } from '../chartOfAccounts.js';
import { UnpostableEventError } from '../chartOfAccounts.js';
import { entryId } from '../journalIds.js';
import type { BalanceEffect, EntryKind, Hold, HoldKind, TransferCode } from '../journalTypes.js';

export type PostingInput = Readonly<{
  /** The recorded event's id: every entry and posting id derives from it. */
  eventId: string;
  event: PaymentIntentEvent;
  /** The event's business date at its store, or how to work it out: asked only when the event posts an entry (most post none). */
  businessDate: string | (() => string);
  /** The store's fees for a provider code at this point of the log, or null when none is configured. */
  feesFor: (providerCode: string) => ProviderFees | null;
  /** The hold under a key as it stands before this event (see `holdKeyTouchedBy`). */
  holdOf: (holdKey: string) => Hold | undefined;
}>;

/** The input of a posting function for events of one type. */
export type PostingOf<Type extends PaymentIntentEvent['type']> = PostingInput & Readonly<{ event: Extract<PaymentIntentEvent, { type: Type }> }>;

export type Line = Readonly<{ account: Account; direction: 'debit' | 'credit'; amountMinor: number; effect: BalanceEffect }>;
export type Draft = Readonly<{ code: TransferCode; kind: EntryKind; holdKey: string | null; metadata: JsonObject; lines: readonly Line[] }>;
export type Plan = Readonly<{ drafts: readonly Draft[]; holds: readonly Hold[] }>;

export const NOTHING: Plan = Object.freeze({ drafts: [], holds: [] });

export type Transfer = Readonly<{ debit: Account; credit: Account; amountMinor: number; effect: BalanceEffect }>;

/** Two legs of one amount: Dr `debit` / Cr `credit`. */
export function transfer({ debit, credit, amountMinor, effect }: Transfer): Line[] {
  return [
    { account: debit, direction: 'debit', amountMinor, effect },
    { account: credit, direction: 'credit', amountMinor, effect },
  ];
}

/** A post: the whole reservation returns, and what is posted moves (TigerBeetle's partial post). */
export function postLines(accounts: Readonly<{ debit: Account; credit: Account }>, hold: Hold): Line[] {
  return [
    ...transfer({ ...accounts, amountMinor: hold.amountMinor, effect: 'pending_released' }),
    ...transfer({ ...accounts, amountMinor: hold.amountPostedMinor, effect: 'posted' }),
  ];
}

export function detailsMetadata(details: PositiveOutcome['details']): JsonObject {
  return details.type === 'card'
    ? { approval_number: details.approvalNumber, slip_number: details.slipNumber, brand: details.brand }
    : { provider_payment_id: details.providerPaymentId };
}

export type NewHold = Readonly<{ kind: HoldKind; holdKey: string; amountMinor: number; currency: string }>;

/** A new hold; on a replay of the event that opened it, the stored hold stays as it is. */
export function openHold(input: PostingInput, { kind, holdKey, amountMinor, currency }: NewHold): Hold[] {
  if (input.holdOf(holdKey) !== undefined) return [];
  const { paymentIntentId, occurredAt } = input.event.data;
  const pendingEntryId = entryId(input.eventId, 0);
  return [
    {
      holdKey,
      kind,
      paymentIntentId,
      amountMinor,
      currency,
      status: 'pending',
      amountPostedMinor: 0,
      pendingEntryId,
      resolvingEntryId: null,
      resolvedByEventId: null,
      createdAt: occurredAt,
      resolvedAt: null,
    },
  ];
}

/**
 * Resolves a pending hold at most once, posting `amountPosted(hold)` of it (0 for a void); the
 * same event resolving it again (a replay) changes nothing.
 */
export function resolveHold(input: PostingInput, holdKey: string, status: 'posted' | 'voided', amountPosted: (hold: Hold) => number): Hold {
  const hold = input.holdOf(holdKey);
  const what = `${input.event.type} (event ${input.eventId})`;
  if (hold === undefined) throw new UnpostableEventError(`${what}: no pending transfer ${holdKey}`);
  if (hold.status !== 'pending') {
    if (hold.resolvedByEventId === input.eventId) return hold;
    throw new UnpostableEventError(`${what}: pending transfer ${holdKey} is already ${hold.status}`);
  }
  const amountPostedMinor = amountPosted(hold);
  if (amountPostedMinor > hold.amountMinor) throw new UnpostableEventError(`${what}: posts ${amountPostedMinor}, more than the ${hold.amountMinor} pending`);
  const { occurredAt } = input.event.data;
  return { ...hold, status, amountPostedMinor, resolvingEntryId: entryId(input.eventId, 0), resolvedByEventId: input.eventId, resolvedAt: occurredAt };
}

import { createHash } from 'node:crypto';
import { clientPartnerDecider, parseClientPartnerId, toClientPartnerStreamName, type RegisterClientPartner } from '../../domain/tenancy/index.js';
import type { CommandContext } from '../commandContext.js';
import { executeCommand } from '../handleCommand.js';

/** A partner secret is a random string the operator hands over once; shorter ones are guessable. */
export const PARTNER_SECRET_LENGTH_MIN = 32;
export const PARTNER_SECRET_LENGTH_MAX = 256;
const printableAscii = /^[\x21-\x7e]+$/;

export type RegisterClientPartnerInput = Readonly<{ name: string; secret: string; actor?: string }>;

/**
 * Registers a client partner (not an HTTP route: the CLI bootstraps partners). Only the secret's
 * SHA-256 is recorded, as 64 lower-case hex characters; those characters are the HMAC key the
 * partner signs with (partnerSignature.ts), so the event must be treated as secret too.
 *
 * @example const { clientPartnerId } = await registerClientPartner(context, { name: 'Acme Payments', secret: randomBytes(32).toString('base64url') });
 */
export async function registerClientPartner(context: CommandContext, input: RegisterClientPartnerInput): Promise<Readonly<{ clientPartnerId: string }>> {
  const { secret } = input;
  if (secret.length < PARTNER_SECRET_LENGTH_MIN || secret.length > PARTNER_SECRET_LENGTH_MAX || !printableAscii.test(secret)) {
    throw new RangeError(`a partner secret is ${PARTNER_SECRET_LENGTH_MIN}–${PARTNER_SECRET_LENGTH_MAX} printable ASCII characters`);
  }
  const clientPartnerId = parseClientPartnerId(context.newId('cp'));
  const now = context.now().toISOString();
  await executeCommand(context, {
    aggregate: clientPartnerDecider,
    stream: toClientPartnerStreamName(clientPartnerId),
    command: (): RegisterClientPartner => ({
      type: 'RegisterClientPartner',
      data: {
        clientPartnerId,
        name: input.name,
        // A fresh key id per registration; a rotation names another (the decider insists).
        hmacKeyId: context.newId('hk'),
        secretSha256Hex: createHash('sha256').update(secret, 'utf8').digest('hex'),
        now,
      },
    }),
    respond: () => ({ status: 201, body: JSON.stringify({ client_partner_id: clientPartnerId }) }),
    metadata: { actor: input.actor ?? 'cli' },
  });
  return { clientPartnerId };
}

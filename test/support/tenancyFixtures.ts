import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { CommandContext } from '../../command/commandContext.js';
import { executeCommand } from '../../command/handleCommand.js';
import {
  clientPartnerDecider,
  merchantDecider,
  parseClientPartnerId,
  parseMerchantId,
  parseStoreId,
  parseStoreProviderConfigId,
  parseTerminalId,
  storeDecider,
  storeProviderConfigDecider,
  terminalDecider,
  toClientPartnerStreamName,
  toMerchantStreamName,
  toStoreProviderConfigStreamName,
  toStoreStreamName,
  toTerminalStreamName,
  type ProviderCode,
} from '../../domain/tenancy/index.js';

/** A partner with one merchant, one open store (Asia/Tokyo, cut-off 04:00), one terminal. */
export type TenantFixture = Readonly<{
  clientPartnerId: string;
  secret: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  terminalKey: KeyObject;
}>;

const respond = () => ({ status: 200, body: '{}' });
const metadata = { actor: 'test:fixtures' };

/**
 * Writes a whole tenant through the tenancy deciders and the event store (what the admin routes
 * and the CLI do), for tests that need somewhere to pay. Optionally configures QR providers;
 * `sameClientPartnerAs` adds a merchant (store, terminal) to that tenant's client partner instead of a new one.
 */
export async function createTenant(context: CommandContext, providers: readonly ProviderCode[] = [], sameClientPartnerAs?: TenantFixture): Promise<TenantFixture> {
  const now = context.now().toISOString();
  const clientPartnerId = parseClientPartnerId(sameClientPartnerAs?.clientPartnerId ?? context.newId('cp'));
  const merchantId = parseMerchantId(context.newId('mer'));
  const storeId = parseStoreId(context.newId('str'));
  const terminalId = parseTerminalId(context.newId('trm'));
  const secret = sameClientPartnerAs?.secret ?? `secret-${context.newUuid()}`;
  const secretSha256Hex = createHash('sha256').update(secret).digest('hex');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const run = <C, E extends { type: string; data: object }, S>(
    aggregate: { decide: (c: C, s: S) => readonly E[]; evolve: (s: S, e: E) => S; initialState: () => S },
    stream: string,
    command: C,
  ) => executeCommand(context, { aggregate, stream, command: () => command, respond, metadata });
  if (sameClientPartnerAs === undefined) {
    await run(clientPartnerDecider, toClientPartnerStreamName(clientPartnerId), {
      type: 'RegisterClientPartner',
      data: { clientPartnerId, name: 'Test Partner', hmacKeyId: `key-${clientPartnerId}`, secretSha256Hex, now },
    });
  }
  await run(merchantDecider, toMerchantStreamName(merchantId), {
    type: 'OnboardMerchant',
    data: { merchantId, clientPartnerId, legalName: 'Ichiban KK', displayName: 'Ramen Ichiban', clientPartnerStatus: 'active', now },
  });
  await run(storeDecider, toStoreStreamName(storeId), {
    type: 'OpenStore',
    data: { storeId, merchantId, name: 'Shibuya', timeZone: 'Asia/Tokyo', cutoffMinutes: 240, merchantStatus: 'active', now },
  });
  await run(terminalDecider, toTerminalStreamName(terminalId), {
    type: 'RegisterTerminal',
    data: {
      terminalId,
      deviceUuid: context.newUuid(),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      model: 'S-Pitt Air',
      storeId,
      storeMerchantId: merchantId,
      storeStatus: 'open',
      merchantStatus: 'active',
      now,
    },
  });
  for (const providerCode of providers) {
    await run(storeProviderConfigDecider, toStoreProviderConfigStreamName(storeId, providerCode), {
      type: 'ConfigureStoreProvider',
      data: {
        storeId,
        providerCode,
        now,
        storeProviderConfigId: parseStoreProviderConfigId(context.newId('spc')),
        fees: { feeRatePpm: 19_800, fixedFeeMinor: 0, currency: 'JPY' },
        credentials: { ciphertext: 'test-ciphertext', encryptionKeyId: 'test-key' },
        storeStatus: 'open',
      },
    });
  }
  return { clientPartnerId, secret, merchantId, storeId, terminalId, terminalKey: privateKey };
}

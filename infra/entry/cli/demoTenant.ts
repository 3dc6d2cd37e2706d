/**
 * Builds a tenant under an existing client partner, over HTTP exactly as a partner server would:
 * a merchant, its stores (with their business day), provider configurations, and terminals, each
 * terminal with a fresh P-256 key pair whose private half stays with the caller.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { expectSuccess, newIdempotencyKey, sendAsPartner, type PartnerCredentials } from './ledgerClient.js';

export type ProviderPlan = Readonly<{
  provider_code: 'paypay' | 'rakuten_pay' | 'd_barai' | 'au_pay' | 'merpay' | 'card';
  fee_rate_ppm: number;
  fixed_fee_minor: number;
  credentials: Readonly<Record<string, string>>;
}>;

export type StorePlan = Readonly<{
  name: string;
  time_zone: string;
  cutoff_minutes: number;
  providers: readonly ProviderPlan[];
  /** How many terminals to register at this store. */
  terminals: number;
}>;

export type TenantPlan = Readonly<{ legalName: string; displayName: string; stores: readonly StorePlan[] }>;

export type SeededStore = Readonly<{ id: string; name: string; providerConfigIds: readonly string[] }>;
export type SeededTerminal = Readonly<{ id: string; storeId: string; privateKeyPem: string }>;
export type SeededTenant = Readonly<{ merchantId: string; stores: readonly SeededStore[]; terminals: readonly SeededTerminal[] }>;

/** Tokyo time, business day from 04:00 (after the last train, before the first shift). */
export const TOKYO_0400 = { time_zone: 'Asia/Tokyo', cutoff_minutes: 240 } as const;

/** The tenant `npm run demo` writes: two Tokyo stores (PayPay at the first), one terminal each. */
export const DEMO_TENANT_PLAN: TenantPlan = {
  legalName: 'Ramen Ichiban KK',
  displayName: 'Ramen Ichiban',
  stores: [
    {
      name: 'Shibuya',
      ...TOKYO_0400,
      providers: [
        {
          provider_code: 'paypay',
          fee_rate_ppm: 19_800,
          fixed_fee_minor: 0,
          credentials: { api_key: 'demo-paypay-api-key', api_secret: 'demo-paypay-api-secret', merchant_id: 'demo-paypay-merchant' },
        },
      ],
      terminals: 1,
    },
    { name: 'Shinjuku', ...TOKYO_0400, providers: [], terminals: 1 },
  ],
};

const TERMINALS_PER_STORE_MAX = 1_000;

/**
 * Creates the merchant, stores, provider configurations and terminals of `plan`, in that order.
 *
 * @example const tenant = await seedTenant('http://127.0.0.1:3000', partner, DEMO_TENANT_PLAN);
 */
export async function seedTenant(baseUrl: string, partner: PartnerCredentials, plan: TenantPlan): Promise<SeededTenant> {
  const post = async (what: string, path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await sendAsPartner(baseUrl, partner, { method: 'POST', path, body: JSON.stringify(body), idempotencyKey: newIdempotencyKey('seed') });
    return expectSuccess(what, response);
  };
  const merchant = await post('onboard merchant', '/v1/merchants', { legal_name: plan.legalName, display_name: plan.displayName });
  const merchantId = idOf(merchant);
  const stores: SeededStore[] = [];
  const terminals: SeededTerminal[] = [];
  for (const storePlan of plan.stores) {
    const { name, time_zone, cutoff_minutes } = storePlan;
    const storeId = idOf(await post('open store', `/v1/merchants/${merchantId}/stores`, { name, time_zone, cutoff_minutes }));
    const providerConfigIds: string[] = [];
    for (const provider of storePlan.providers) {
      providerConfigIds.push(idOf(await post(`configure ${provider.provider_code}`, `/v1/stores/${storeId}/provider_configs`, { ...provider, currency: 'JPY' })));
    }
    stores.push({ id: storeId, name, providerConfigIds });
    for (let index = 0; index < Math.min(storePlan.terminals, TERMINALS_PER_STORE_MAX); index += 1) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const terminal = await post('register terminal', `/v1/stores/${storeId}/terminals`, {
        device_uuid: randomUUID(),
        public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        model: index % 2 === 0 ? 'S-Pitt Air' : 'S-Pitt Mobile',
      });
      terminals.push({ id: idOf(terminal), storeId, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    }
  }
  return { merchantId, stores, terminals };
}

function idOf(resource: Record<string, unknown>): string {
  const id = resource.id;
  if (typeof id !== 'string') throw new Error(`the ledger answered without an id: ${JSON.stringify(resource).slice(0, 200)}`);
  return id;
}

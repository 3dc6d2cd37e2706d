/** The payment providers a store can be configured for. A closed union: adding one is a code change. */
export const providerCodes = ['paypay', 'rakuten_pay', 'd_barai', 'au_pay', 'merpay', 'card'] as const;

export type ProviderCode = (typeof providerCodes)[number];

export const isProviderCode = (value: string): value is ProviderCode => (providerCodes as readonly string[]).includes(value);

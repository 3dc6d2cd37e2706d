/**
 * The simulation's (and the customer CLI's) way to drive the provider sandbox over HTTP: register
 * credentials, play the customer, inject faults, and read the provider-side truth of a payment.
 */
import { z } from 'zod';

/** The provider-side view of one payment (`GET /sandbox/payments/:merchantPaymentId`). */
const providerPaymentSchema = z.looseObject({
  merchantPaymentId: z.string(),
  status: z.string(),
  amount: z.number().int(),
  /** What the customer was charged, what came back by refund and by cancel/revert. */
  amountPaid: z.number().int(),
  amountRefunded: z.number().int(),
  amountReverted: z.number().int(),
  qrDeleted: z.boolean().optional(),
  canceledByMerchant: z.boolean().optional(),
  refunds: z.array(z.looseObject({ merchantRefundId: z.string(), amount: z.number().int(), status: z.string() })).optional(),
  /** Authenticated API calls for this reference, per operation. */
  calls: z.record(z.string(), z.number().int()).optional(),
});

export type ProviderPayment = z.infer<typeof providerPaymentSchema>;

const faultCountsSchema = z.looseObject({ injected: z.record(z.string(), z.number().int()) });

export class SandboxClient {
  constructor(readonly url: string) {}

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return response;
  }

  private async expectOk(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.send(method, path, body);
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text === '' ? {} : JSON.parse(text);
  }

  async registerCredentials(credentials: Readonly<{ api_key: string; api_secret: string; merchant_id?: string }>): Promise<void> {
    await this.expectOk('POST', '/sandbox/credentials', { provider: 'paypay', ...credentials });
  }

  /** The customer pays (optionally another amount), cancels in the app, or lets the QR expire; `late` pays a QR that is no longer payable. */
  async drive(merchantPaymentId: string, action: 'pay' | 'cancel' | 'expire' | 'late_pay', body: Readonly<Record<string, unknown>> = {}): Promise<number> {
    const response = await this.send('POST', `/sandbox/payments/${encodeURIComponent(merchantPaymentId)}/${action}`, body);
    await response.text();
    return response.status;
  }

  async addFault(rule: Readonly<{ operation: string; fault: string; times: number; match: Readonly<{ merchantPaymentId?: string }> }>): Promise<void> {
    await this.expectOk('POST', '/sandbox/faults', rule);
  }

  /** The provider-side truth, or undefined when the provider never heard of this reference. */
  async payment(merchantPaymentId: string): Promise<ProviderPayment | undefined> {
    const response = await this.send('GET', `/sandbox/payments/${encodeURIComponent(merchantPaymentId)}`);
    if (response.status === 404) {
      await response.text();
      return undefined;
    }
    if (!response.ok) throw new Error(`sandbox payment ${merchantPaymentId}: ${response.status}`);
    return providerPaymentSchema.parse(await response.json());
  }

  /** The API calls the sandbox received for a reference (also when it holds no payment for it). */
  async calls(merchantPaymentId: string): Promise<Readonly<Record<string, number>>> {
    return z.record(z.string(), z.number().int()).parse(await this.expectOk('GET', `/sandbox/calls/${encodeURIComponent(merchantPaymentId)}`));
  }

  async faultsInjected(): Promise<Readonly<Record<string, number>>> {
    return faultCountsSchema.parse(await this.expectOk('GET', '/sandbox/faults')).injected;
  }
}

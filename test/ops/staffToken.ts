import type { TestLedger } from '../support/testLedger.js';

/** A fresh staff credential (`stf_…`) of `role`, created by the operator with the bootstrap secret. */
export async function staffToken(harness: TestLedger, operatorSecret: string, role: 'ops' | 'auditor' | 'operator'): Promise<string> {
  const response = await harness.ledger.app.inject({
    method: 'POST',
    url: '/v1/operator/credentials',
    headers: { 'x-operator-secret': operatorSecret, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: `test ${role}`, role }),
  });
  if (response.statusCode !== 201) throw new Error(`no ${role} credential: ${response.statusCode} ${response.body}`);
  return response.json<{ credential: string }>().credential;
}

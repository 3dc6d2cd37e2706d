import { z } from 'zod';

/**
 * Every money-moving command requires an `Idempotency-Key` (reference/payments.md (d) rule 1).
 * Optional in the schema so a missing key answers the specific `idempotency_key_required`; the
 * `x-idempotency-key: required` meta makes the OpenAPI document declare it required (http/openApi.ts).
 */
export const idempotencyHeaders = z
  .object({
    'idempotency-key': z.string().optional().describe('Required: 1–255 printable ASCII characters; reuse it for every retry of this command'),
  })
  .loose()
  .meta({ 'x-idempotency-key': 'required' });

import { z } from 'zod';

/** RFC 9457 problem details with a stable machine-readable `code` (ARCHITECTURE.md §6). */
export const problemSchema = z
  .object({
    type: z.string().describe('A URI identifying the problem type; stable per `code`'),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable machine-readable code, e.g. `payment_intent.invalid_state_transition`'),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('Validation issues, one per field'),
    param: z.string().nullable().optional().describe('The parameter at fault, if any (idempotency errors: null)'),
    request_id: z.string().optional().describe('The request id, to quote when reporting a problem'),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_TYPE_BASE = 'https://mpac-ledger.dev/problems/';

export function problem(status: number, code: string, title: string, detail?: string): Problem {
  const base = { type: `${PROBLEM_TYPE_BASE}${code}`, title, status, code };
  return detail === undefined ? base : { ...base, detail };
}

/**
 * Idempotency errors (payments.md (d) rule 22): one problem type `idempotency_error` (a missing key
 * is an `invalid_request_error`), the specific `code`, `param: null` and the `request_id`.
 */
export function idempotencyProblem(
  status: 400 | 409,
  code: 'idempotency_key_required' | 'idempotency_key_invalid' | 'idempotency_key_mismatch' | 'idempotency_key_in_use',
  detail: string,
  requestId: string,
): Problem {
  const family = code === 'idempotency_key_mismatch' || code === 'idempotency_key_in_use' ? 'idempotency_error' : 'invalid_request_error';
  return { type: `${PROBLEM_TYPE_BASE}${family}`, title: status === 409 ? 'Conflict' : 'Bad Request', status, code, detail, param: null, request_id: requestId };
}

/** One text field of a request's params, query or body, read without a cast (undefined when absent or not text). */
import { z } from 'zod';

const fieldsSchema = z.record(z.string(), z.unknown());

export function textField(source: unknown, name: string): string | undefined {
  const parsed = fieldsSchema.safeParse(source);
  const value = parsed.success ? parsed.data[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

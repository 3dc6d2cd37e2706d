import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../adapters/configError.js';

/**
 * What one process does (LEDGER_ROLES, docs/scale-out.md): `api` serves the commands and queries
 * (any number of processes); `projector`, `relay` and `reactor` run the singletons, each behind its
 * advisory lock (a second process holding the role waits in standby). Default: all four.
 */
export const LEDGER_ROLES = ['api', 'projector', 'relay', 'reactor'] as const;
export type LedgerRole = (typeof LEDGER_ROLES)[number];

/**
 * The process configuration, from the environment (ARCHITECTURE.md §9). With nothing set the
 * ledger runs on the embedded PostgreSQL (PGlite) in `./data`.
 */
const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).max(255).default('127.0.0.1'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .max(2_000)
    .optional(),
  LEDGER_DATA_DIR: z.string().min(1).max(4_096).default('data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(16),
  KAFKA_BROKERS: z.string().max(2_000).optional(),
  EVENTSTORE_CONNECTION_STRING: z.string().max(2_000).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  LEDGER_MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (256 bits)')
    .optional(),
  LEDGER_OPERATOR_SECRET: z.string().min(32).max(200).optional(),
  LEDGER_METRICS_ACCESS: z.enum(['staff', 'loopback']).default('staff'),
  LEDGER_STUCK_PAYMENT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(300),
  LEDGER_PAYPAY_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .max(2_000)
    .optional(),
  LEDGER_LINE_PAY_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .max(2_000)
    .optional(),
  LEDGER_PROVIDER_SANDBOX: z.enum(['auto', 'off']).default('auto'),
  LEDGER_PROVIDER_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(3900),
  LEDGER_PROVIDER_WEBHOOK_ALLOW: z.string().max(4_000).default('127.0.0.1,::1'),
  LEDGER_UNRESOLVED_CANCEL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  LEDGER_QR_EXPIRY_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(10),
  LEDGER_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(100_000).default(128),
  LEDGER_SHED_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  LEDGER_QUOTA_TERMINAL_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(0),
  LEDGER_QUOTA_PARTNER_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(0),
  LEDGER_IDEMPOTENCY_PRUNE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  LEDGER_ROLES: z
    .string()
    .max(200)
    .default(LEDGER_ROLES.join(','))
    .transform((text) => text.split(',').map((role) => role.trim()))
    .pipe(z.array(z.enum(LEDGER_ROLES, { error: `each role must be one of ${LEDGER_ROLES.join(', ')}` })).min(1)),
});

export type DatabaseConfig = Readonly<{ kind: 'postgres'; url: string; poolSizeMax: number }> | Readonly<{ kind: 'pglite'; dataDir: string }>;

export type LedgerConfig = Readonly<{
  http: Readonly<{ host: string; port: number }>;
  database: DatabaseConfig;
  kafkaBrokers: readonly string[];
  eventStoreDbConnectionString: string | undefined;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  shutdownGraceMs: number;
  /** Encrypts provider credentials at rest; generated once into the database when unset. */
  masterKeyHex: string | undefined;
  /** Bootstraps client partners (POST /v1/operator/client_partners); on PGlite defaults to a file in the data folder. */
  operatorSecret: string | undefined;
  ops: Readonly<{
    /** `staff`: GET /metrics needs an ops or operator credential; `loopback`: also open to loopback peers without one. */
    metricsAccess: 'staff' | 'loopback';
    /** A payment attempt `processing` longer than this is listed as stuck. */
    stuckPaymentSeconds: number;
  }>;
  providers: ProvidersConfig;
  /** What this process refuses rather than queue (docs/load-shedding.md); 0 turns a mechanism off. */
  shedding: Readonly<{ maxInFlight: number; maxEventLoopDelayMs: number; quotas: Readonly<{ terminalPerMinute: number; partnerPerMinute: number }> }>;
  /** How often expired idempotency records are deleted (API processes). */
  idempotencyPruneIntervalMs: number;
  /** The roles this process runs (LEDGER_ROLES); every process serves health, readiness, /metrics and /ops. */
  roles: ReadonlySet<LedgerRole>;
}>;

/** QR providers (docs/providers.md): where their APIs answer, the sandbox, webhook sources, the reactor's deadlines. */
export type ProvidersConfig = Readonly<{
  /** Base URL per provider code (LEDGER_PAYPAY_BASE_URL, LEDGER_LINE_PAY_BASE_URL); a provider without one is unavailable. */
  endpoints: Readonly<Partial<Record<'paypay' | 'line_pay', string>>>;
  /** `auto`: on the embedded default with no provider URL set, `npm start` starts the sandbox and uses it. */
  sandbox: 'auto' | 'off';
  sandboxPort: number;
  /** Addresses and CIDR ranges webhooks are accepted from (PayPay signs nothing; its IP ranges in production). */
  webhookAllow: readonly string[];
  unresolvedCancelAfterMs: number;
  qrExpiryGraceMs: number;
}>;

export { ConfigError };

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const parsed = environmentSchema.safeParse(withoutEmptyValues(environment));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  if (env.DATABASE_URL === undefined && env.LEDGER_ROLES.length < LEDGER_ROLES.length)
    throw new ConfigError(`LEDGER_ROLES=${env.LEDGER_ROLES.join(',')} needs DATABASE_URL: the embedded database serves one process, which runs every role`);
  checkPoolSize(env.DATABASE_URL === undefined ? undefined : env.DATABASE_POOL_SIZE, env.LEDGER_ROLES, env.KAFKA_BROKERS !== undefined);
  return {
    http: { host: env.HOST, port: env.PORT },
    database:
      env.DATABASE_URL === undefined ? { kind: 'pglite', dataDir: resolve(env.LEDGER_DATA_DIR) } : { kind: 'postgres', url: env.DATABASE_URL, poolSizeMax: env.DATABASE_POOL_SIZE },
    kafkaBrokers: (env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
    eventStoreDbConnectionString: env.EVENTSTORE_CONNECTION_STRING,
    logLevel: env.LOG_LEVEL,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    masterKeyHex: env.LEDGER_MASTER_KEY,
    operatorSecret: env.LEDGER_OPERATOR_SECRET,
    ops: { metricsAccess: env.LEDGER_METRICS_ACCESS, stuckPaymentSeconds: env.LEDGER_STUCK_PAYMENT_SECONDS },
    providers: {
      endpoints: {
        ...(env.LEDGER_PAYPAY_BASE_URL === undefined ? {} : { paypay: env.LEDGER_PAYPAY_BASE_URL }),
        ...(env.LEDGER_LINE_PAY_BASE_URL === undefined ? {} : { line_pay: env.LEDGER_LINE_PAY_BASE_URL }),
      },
      sandbox: env.LEDGER_PROVIDER_SANDBOX,
      sandboxPort: env.LEDGER_PROVIDER_SANDBOX_PORT,
      webhookAllow: env.LEDGER_PROVIDER_WEBHOOK_ALLOW.split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
      unresolvedCancelAfterMs: env.LEDGER_UNRESOLVED_CANCEL_SECONDS * 1_000,
      qrExpiryGraceMs: env.LEDGER_QR_EXPIRY_GRACE_SECONDS * 1_000,
    },
    shedding: {
      maxInFlight: env.LEDGER_MAX_IN_FLIGHT,
      maxEventLoopDelayMs: env.LEDGER_SHED_EVENT_LOOP_DELAY_MS,
      quotas: { terminalPerMinute: env.LEDGER_QUOTA_TERMINAL_PER_MINUTE, partnerPerMinute: env.LEDGER_QUOTA_PARTNER_PER_MINUTE },
    },
    idempotencyPruneIntervalMs: env.LEDGER_IDEMPOTENCY_PRUNE_INTERVAL_SECONDS * 1_000,
    roles: new Set(env.LEDGER_ROLES),
  };
}

/**
 * Sessions a role keeps checked out of the pool for its lifetime: the idempotency owner lock (api),
 * the shared projection lock session (projector), the reactor's lock (reactor), the relay's lock (relay,
 * with a broker). Requests need at least two more; a smaller pool would start and then wait forever.
 */
function checkPoolSize(poolSize: number | undefined, roles: readonly LedgerRole[], relayRuns: boolean): void {
  if (poolSize === undefined) return;
  const held = roles.filter((role) => role !== 'relay' || relayRuns).length;
  if (poolSize < held + 2)
    throw new ConfigError(
      `DATABASE_POOL_SIZE=${poolSize} is too small for LEDGER_ROLES=${roles.join(',')}: ${held} connections stay checked out (one per singleton lock and the idempotency owner), requests need 2 more: set at least ${held + 2}`,
    );
}

function withoutEmptyValues(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

import { randomBytes } from 'node:crypto';
import { registerClientPartner } from '../../command/tenancy/index.js';
import { seedTenant, TOKYO_0400, type SeededTerminal, type StorePlan } from '../../infra/entry/cli/demoTenant.js';
import { obtainTerminalToken, type PartnerCredentials } from '../../infra/entry/cli/ledgerClient.js';
import { loadConfig } from '../../infra/entry/config.js';
import { createLedger } from '../../infra/entry/ledger.js';
import { createLogger } from '../../infra/adapters/observability/logger.js';

/**
 * What the load needs from the ledger under test: a client partner (registered straight into its
 * database, as `npm run demo` does: no route creates partners), a merchant with stores and
 * terminals (over HTTP, as a partner server would), and a live access token per terminal.
 */
export async function registerBenchPartner(databaseUrl: string): Promise<PartnerCredentials> {
  const ledger = await createLedger(loadConfig({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4', LOG_LEVEL: 'silent', LEDGER_ROLES: 'api' }), createLogger('silent'));
  try {
    const secret = randomBytes(32).toString('base64url');
    const { clientPartnerId } = await registerClientPartner(ledger.context, { name: 'Bench Partner', secret, actor: 'cli:bench' });
    return { clientPartnerId, secret };
  } finally {
    await ledger.close();
  }
}

/**
 * A merchant with `stores` Tokyo stores and `terminals` terminals spread over them.
 *
 * @example const terminals = await seedBenchTenant(ledgerUrl, partner, 4, 20);
 */
export async function seedBenchTenant(baseUrl: string, partner: PartnerCredentials, stores: number, terminals: number): Promise<readonly SeededTerminal[]> {
  const plans: StorePlan[] = Array.from({ length: stores }, (_, index) => ({
    name: `Bench store ${index + 1}`,
    ...TOKYO_0400,
    providers: [],
    terminals: Math.floor(terminals / stores) + (index < terminals % stores ? 1 : 0),
  }));
  const tenant = await seedTenant(baseUrl, partner, { legalName: 'Bench KK', displayName: 'Bench', stores: plans });
  return tenant.terminals;
}

/** Terminal tokens live 120 s; each is replaced this long after it was issued. */
const TOKEN_REFRESH_MS = 60_000;

/**
 * Access tokens of every terminal, refreshed in the background well before they expire.
 *
 * @example const tokens = await TerminalTokens.obtain(url, terminals); tokens.authorization(3); tokens.stop();
 */
export class TerminalTokens {
  private timer: NodeJS.Timeout | undefined;
  refreshes = 0;
  refreshFailures = 0;

  private constructor(
    private readonly baseUrl: string,
    private readonly terminals: readonly SeededTerminal[],
    private readonly headers: { authorization: string }[],
  ) {}

  static async obtain(baseUrl: string, terminals: readonly SeededTerminal[]): Promise<TerminalTokens> {
    const headers = await Promise.all(terminals.map(async (terminal) => ({ authorization: await bearer(baseUrl, terminal) })));
    const tokens = new TerminalTokens(baseUrl, terminals, headers);
    tokens.timer = setInterval(() => {
      void tokens.refresh();
    }, TOKEN_REFRESH_MS);
    tokens.timer.unref();
    return tokens;
  }

  get count(): number {
    return this.terminals.length;
  }

  /** The `authorization` header of terminal `index` (modulo the number of terminals). */
  authorization(index: number): { authorization: string } {
    const header = this.headers[index % this.headers.length];
    if (header === undefined) throw new Error('no terminals');
    return header;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    for (const [index, terminal] of this.terminals.entries()) {
      try {
        const header = this.headers[index];
        if (header !== undefined) header.authorization = await bearer(this.baseUrl, terminal);
        this.refreshes += 1;
      } catch {
        this.refreshFailures += 1;
      }
    }
  }
}

async function bearer(baseUrl: string, terminal: SeededTerminal): Promise<string> {
  const token = await obtainTerminalToken(baseUrl, { terminalId: terminal.id, privateKeyPem: terminal.privateKeyPem });
  return `Bearer ${token.accessToken}`;
}

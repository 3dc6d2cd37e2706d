/**
 * The /ops page end to end in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against the whole ledger over real HTTP: sign in with the operator credential,
 * watch a projection held back by a parked event (events behind > 0, state parked), skip the
 * parked event with the page's button, and watch it catch up to 0 behind; an ops credential sees
 * no action buttons. Screenshots are written
 * to .cache/ops-page-*.png (gitignored) as the test's artifacts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { allProjectors } from '../../projections/index.js';
import type { Projector } from '../../projections/runtime/projector.js';
import type { TenantFixture } from '../support/tenancyFixtures.js';
import { startTestLedger, type HttpCaller, type TestLedger } from '../support/testLedger.js';
import { createLogger } from '../../infra/adapters/observability/logger.js';
import { staffToken } from './staffToken.js';

const SECRET = 'test-operator-secret-ops-page-0123456789abcd';
const POISON_AMOUNT = 13_013;
const ARTIFACTS = join(process.cwd(), '.cache');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** A read model that cannot apply one intent (its amount is the poison): the runtime parks that event. */
const canary: Projector = {
  name: 'ops_canary',
  version: 1,
  tables: ['CREATE TABLE seen (event_id uuid PRIMARY KEY, event_type text NOT NULL)'],
  filter: { streamPrefixes: ['PaymentIntent-'] },
  async apply(sql, events: readonly RecordedEvent[]) {
    for (const event of events) {
      if (event.type === 'PaymentIntentCreated' && (event.data as { amount?: { amountMinor?: number } }).amount?.amountMinor === POISON_AMOUNT) {
        throw new Error(`canary cannot apply an intent of ${POISON_AMOUNT}`);
      }
      await sql.query('INSERT INTO seen (event_id, event_type) VALUES ($1, $2)', [event.id, event.type]);
    }
  },
};

let harness: TestLedger;
let tenant: TenantFixture;
let terminal: HttpCaller;
let address: string;
let userDataDir: string;
let browser: BrowserContext;
let page: Page;

const cellText = (subscriber: string, field: string): Promise<string> => page.locator(`[data-subscriber="${subscriber}"] [data-field="${field}"]`).innerText();

/** Polls the page (it refreshes itself every 2 s) until `check` holds. */
async function untilPage(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`the page did not show ${what} within ${timeoutMs} ms`);
    await page.waitForTimeout(100);
  }
}

beforeAll(async () => {
  harness = await startTestLedger({ LEDGER_OPERATOR_SECRET: SECRET }, createLogger('silent'), { projectors: [...allProjectors, canary] });
  tenant = await harness.tenant();
  terminal = await harness.asTerminal(tenant);
  address = await harness.ledger.app.listen({ host: '127.0.0.1', port: 0 });
  userDataDir = mkdtempSync(join(tmpdir(), 'ledger-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1500 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
  await harness.close();
});

describe('/ops in headless Chromium', () => {
  it('signs in, shows a projection held back by a parked event, skips it with the button, and shows it caught up', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${address}/ops`);
    await page.fill('#credential', 'wrong-credential');
    await page.click('#login-form button[type="submit"]');
    await untilPage(async () => (await page.locator('[data-testid="login-error"]').innerText()).includes('refused'), 'a refused credential');

    await page.fill('#credential', SECRET);
    await page.click('#login-form button[type="submit"]');
    await untilPage(async () => (await page.locator('[data-testid="role"]').innerText()) === 'role: operator', 'the operator role');
    for (const name of ['journal', 'payment_intents', 'sales', 'settlement', 'ops_canary', 'payments']) await page.locator(`[data-subscriber="${name}"]`).waitFor();
    expect(await cellText('payments', 'kind')).toContain('relay');

    const poison = await terminal.post('/v1/payment_intents', { amount: POISON_AMOUNT, mode: 'manual' });
    expect(poison.statusCode, poison.body).toBe(201);
    for (let n = 0; n < 5; n += 1) expect((await terminal.post('/v1/payment_intents', { amount: 100 + n, mode: 'manual' })).statusCode).toBe(201);
    await untilPage(
      async () => (await cellText('ops_canary', 'state')) === 'parked' && Number(await cellText('ops_canary', 'events_behind')) >= 6,
      'ops_canary parked with events behind',
    );
    const parkedRow = page.locator('[data-testid="parked"] tbody tr');
    await parkedRow.first().waitFor();
    expect(await parkedRow.count()).toBe(1);
    expect(await parkedRow.first().innerText()).toContain(`canary cannot apply an intent of ${POISON_AMOUNT}`);
    expect(Number(await cellText('journal', 'events_behind'))).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'ops-page-parked.png'), fullPage: true });

    await parkedRow.first().getByRole('button', { name: 'Skip' }).click();
    await untilPage(
      async () => (await cellText('ops_canary', 'state')) === 'running' && (await cellText('ops_canary', 'events_behind')) === '0',
      'ops_canary caught up after the skip',
    );
    await untilPage(async () => (await parkedRow.count()) === 0, 'no parked events');
    expect(await page.locator('#chart-behind canvas').count()).toBe(1);
    expect(await page.locator('#chart-lag canvas').count()).toBe(1);
    await untilPage(async () => Number(await page.locator('#requests-rate').innerText()) > 0, 'a request rate');
    await page.screenshot({ path: join(ARTIFACTS, 'ops-page.png'), fullPage: true });
    expect(errors).toEqual([]);

    // An ops credential sees the same page without the operator's buttons.
    await page.click('#sign-out');
    await page.fill('#credential', await staffToken(harness, SECRET, 'ops'));
    await page.click('#login-form button[type="submit"]');
    await untilPage(async () => (await page.locator('[data-testid="role"]').innerText()) === 'role: ops', 'the ops role');
    await page.locator('[data-subscriber="ops_canary"]').waitFor();
    expect(await page.locator('[data-testid="subscribers"] button').count()).toBe(0);

    const [row] = await harness.ledger.client.query<{ resolution: string }>("SELECT resolution FROM projection_parked_events WHERE projection_name = 'ops_canary'");
    expect(row?.resolution).toBe('skipped');
  });
});

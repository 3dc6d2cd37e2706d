/**
 * `npm run -s call -- register-terminal --store <str_id> [--name N]`: what a partner does to put a
 * new device into service, without hand-written key or assertion code. It makes a fresh ES256
 * (P-256) key pair, registers the public half through the partner API
 * (`POST /v1/stores/:store_id/terminals`), saves the private half owner-only next to the demo
 * credentials, adds the terminal to `credentials.json` (so `--as terminal:<n>` works) and says
 * what to put on the device.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeCredentials, savePrivateKey, type DemoCredentials } from './demoFiles.js';
import { expectSuccess, newIdempotencyKey, sendAsPartner } from './ledgerClient.js';

export type RegisteredTerminal = Readonly<{ id: string; storeId: string; deviceUuid: string; privateKeyFile: string; position: number; name: string | undefined }>;

export type RegisterTerminalInput = Readonly<{
  baseUrl: string;
  credentials: DemoCredentials;
  directory: string;
  storeId: string;
  name: string | undefined;
}>;

/** Registers the terminal and saves its key; answers what was made. @example await registerTerminal({ baseUrl, credentials, directory, storeId: 'str_01…', name: 'till 3' }) */
export async function registerTerminal(input: RegisterTerminalInput): Promise<RegisteredTerminal> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const deviceUuid = randomUUID();
  const partner = { clientPartnerId: input.credentials.client_partner.id, secret: input.credentials.client_partner.secret };
  const body = JSON.stringify({ device_uuid: deviceUuid, public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(), model: 'S-Pitt Air' });
  const response = await sendAsPartner(input.baseUrl, partner, {
    method: 'POST',
    path: `/v1/stores/${input.storeId}/terminals`,
    body,
    idempotencyKey: newIdempotencyKey('register'),
  });
  const terminal = expectSuccess(`register a terminal at ${input.storeId}`, response);
  const id = String(terminal.id);
  const privateKeyFile = savePrivateKey(input.directory, id, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const entry = { id, store_id: input.storeId, private_key_file: privateKeyFile, ...(input.name === undefined ? {} : { name: input.name }) };
  writeCredentials(input.directory, { ...input.credentials, terminals: [...input.credentials.terminals, entry] });
  return { id, storeId: input.storeId, deviceUuid, privateKeyFile, position: input.credentials.terminals.length + 1, name: input.name };
}

/** What to put on the device, and how it gets its tokens. @example process.stdout.write(deviceInstructions(terminal, baseUrl)) */
export function deviceInstructions(terminal: RegisteredTerminal, baseUrl: string): string {
  return [
    `terminal        ${terminal.id}${terminal.name === undefined ? '' : `  (${terminal.name})`}  at ${terminal.storeId}`,
    `device uuid     ${terminal.deviceUuid}`,
    `private key     ${terminal.privateKeyFile}  (PKCS#8 PEM, ES256/P-256, 0600: copy it to the device's key store, then delete it here)`,
    '',
    'On the device:',
    `  1. sign an ES256 JWT assertion with the key: iss = sub = ${terminal.id}, aud = "mpac-ledger", iat = now, exp = iat + 60 (≤ 300), a fresh jti`,
    `  2. POST ${baseUrl}/v1/terminal_tokens  {"terminal_id":"${terminal.id}","assertion":"<the JWT>"}  → access_token (valid 120 s)`,
    '  3. send Authorization: Bearer <access_token> on every call; get a new token before it expires',
    `Try it from here: npm run -s call -- --as terminal:${terminal.position} POST /v1/payment_intents '{"amount":500,"mode":"manual"}'`,
    '',
  ].join('\n');
}

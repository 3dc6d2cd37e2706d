/** A configuration the ledger cannot start with: reported as one line, exit 1 (infra/entry/main.ts). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

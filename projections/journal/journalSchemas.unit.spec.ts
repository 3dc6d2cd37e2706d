/** schemas/journal.ts may not import the projection, so its code lists are copies: this keeps them in step. */
import { describe, expect, it } from 'vitest';
import { accountCodes, transferCodeNames } from '../../schemas/journal.js';
import { ACCOUNT_CODES } from './chartOfAccounts.js';
import { TRANSFER_CODES } from './journalTypes.js';

describe('the ledger HTTP schemas', () => {
  it('name every transfer code the journal writes, with its name', () => {
    expect(Object.fromEntries(Object.entries(TRANSFER_CODES).map(([name, code]) => [String(code), name]))).toEqual(
      Object.fromEntries(Object.entries(transferCodeNames).map(([code, name]) => [code, name])),
    );
  });

  it('list every account code the journal posts to', () => {
    expect([...accountCodes].sort()).toEqual(Object.values(ACCOUNT_CODES).sort());
  });
});

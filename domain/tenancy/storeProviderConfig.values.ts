/**
 * The two value objects of a StoreProviderConfig and their guards: the provider's fees (integers
 * only — a rate in parts per million, a fixed fee in minor units) and the encrypted credentials
 * envelope. The limits are exported so the edge schemas can mirror them.
 */
import { TenancyError } from './errors.js';

/**
 * A provider's fee on one payment: `feeRatePpm` parts per million of the amount (an integer:
 * 3.24 % is 32_400) plus `fixedFeeMinor` in minor units of `currency` (JPY has none: ¥10 is 10).
 */
export interface ProviderFees {
  readonly feeRatePpm: number;
  readonly fixedFeeMinor: number;
  /** ISO 4217, e.g. 'JPY'. */
  readonly currency: string;
}

/** Produced by the command handler's envelope encryption; opaque to the domain. */
export interface EncryptedCredentials {
  readonly ciphertext: string;
  readonly encryptionKeyId: string;
}

/** 100 %. The rate is an integer number of parts per million, never a float. */
export const FEE_RATE_PPM_MAX = 1_000_000;
export const CIPHERTEXT_LENGTH_MAX = 16_384;
const encryptionKeyIdPattern = /^[A-Za-z0-9_.:/-]{1,256}$/;
const ciphertextPattern = /^[\x21-\x7e]+$/;
const currencyPattern = /^[A-Z]{3}$/;

export function requireFees({ feeRatePpm, fixedFeeMinor, currency }: ProviderFees): void {
  if (!Number.isInteger(feeRatePpm) || feeRatePpm < 0 || feeRatePpm > FEE_RATE_PPM_MAX) {
    throw new TenancyError('tenancy.invalid_fee_rate', `The fee rate must be an integer number of parts per million in 0..${FEE_RATE_PPM_MAX} (3.24 % is 32400).`);
  }
  if (!Number.isSafeInteger(fixedFeeMinor) || fixedFeeMinor < 0) {
    throw new TenancyError('tenancy.invalid_fixed_fee', 'The fixed fee must be a non-negative integer in minor units.');
  }
  if (!currencyPattern.test(currency)) {
    throw new TenancyError('tenancy.invalid_currency', 'The currency must be an ISO 4217 code such as JPY.');
  }
}

export function requireCredentials({ ciphertext, encryptionKeyId }: EncryptedCredentials): void {
  const validCiphertext = ciphertext.length <= CIPHERTEXT_LENGTH_MAX && ciphertextPattern.test(ciphertext);
  if (!validCiphertext || !encryptionKeyIdPattern.test(encryptionKeyId)) {
    throw new TenancyError(
      'tenancy.invalid_credentials',
      `Credentials must be an encrypted envelope: a key id and a ciphertext of 1 to ${CIPHERTEXT_LENGTH_MAX} ` + 'printable characters.',
    );
  }
}

export const sameFees = (left: ProviderFees, right: ProviderFees): boolean =>
  left.feeRatePpm === right.feeRatePpm && left.fixedFeeMinor === right.fixedFeeMinor && left.currency === right.currency;

export const sameCredentials = (left: EncryptedCredentials, right: EncryptedCredentials): boolean =>
  left.ciphertext === right.ciphertext && left.encryptionKeyId === right.encryptionKeyId;

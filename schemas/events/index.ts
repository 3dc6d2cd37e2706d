/** The versioned codecs of every stored event, one per aggregate: decode on every read, encode on every write. */
export * from './codec.js';
export { moneySchema, paymentIntentCodec } from './paymentIntent.js';
export { clientPartnerCodec, merchantCodec, storeCodec, storeProviderConfigCodec, terminalCodec } from './tenancy.js';
export { settlementBatchCodec } from './settlementBatch.js';
export { clientReferenceCodec, CLIENT_REFERENCE_STREAM_PREFIX } from './clientReference.js';
export type { ClientReferenceEvent, ClientReferenceReserved } from './clientReference.js';

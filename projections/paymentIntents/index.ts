/** The payment intents read model: its projector, its table types for the query side, and the intent representation (rendered from the stored state). */
export { PAYMENT_INTENTS_PROJECTION, paymentIntentsProjector } from './paymentIntentsProjector.js';
export { PAYMENT_INTENTS_TABLE, paymentIntentsTables, type PaymentIntentTables, type PaymentIntentsTable } from './tables.js';
export { renderPaymentIntent } from '../../schemas/paymentIntentRepresentation.js';

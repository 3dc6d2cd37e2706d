/** The public surface of the ClientReference aggregate (a store's reference, reserved for one intent). */
export * from './clientReference.js';

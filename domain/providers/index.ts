export type * from './qrProvider.js';

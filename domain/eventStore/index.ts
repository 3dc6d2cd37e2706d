export * from './position.js';
export type * from './types.js';
export * from './errors.js';
export * from './canonical.js';

export * from './tenancyReference.js';

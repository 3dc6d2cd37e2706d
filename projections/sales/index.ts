/** Projection `sales`: takings by business day × store × terminal × mode × provider × currency. */
export { SALES_PROJECTION, salesProjector, type SalesDailyTable, type SalesTables } from './salesProjector.js';
export { CARD_PROVIDER_CODE, MONEY_MOVEMENT_EVENT_TYPES, NO_PROVIDER, moneyMovementOf, settlingProvider, type MoneyMovement } from './moneyMovement.js';

// How the delivery worker claims work and learns when to wake: the queue's statements, per database, are in
// src/store/queue (docs/architecture.md "The seams → Database").
export { claimDeliveries, nextDueAt, type ClaimRequest } from '../../store/queue/delivery-claims.js';

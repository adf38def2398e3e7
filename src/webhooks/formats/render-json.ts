// The rendering shared by every format whose record is a whole request body.

/** One body per request, or a JSON array of bodies when the webhook batches. */
export function renderBodies(records: unknown[], batched: boolean): string {
  if (batched) return JSON.stringify(records);
  if (records.length !== 1) {
    // The engine groups records per request; an unbatched request holds exactly one, anything else is a bug there.
    throw new RangeError(`An unbatched request carries exactly one record, got ${records.length}.`);
  }
  return JSON.stringify(records[0]);
}

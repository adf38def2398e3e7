/** Current time in epoch milliseconds; injected so retry timing is deterministic in tests. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

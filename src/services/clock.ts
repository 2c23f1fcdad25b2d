// Time comes in as a parameter so tests can move it (an expired request token, an old timestamp).
export type Clock = () => number; // milliseconds since the epoch

export const systemClock: Clock = () => Date.now();

/** A clock a test can move. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start;
  const clock = (() => now) as Clock & { advance(ms: number): void; set(ms: number): void };
  clock.advance = (ms) => { now += ms; };
  clock.set = (ms) => { now = ms; };
  return clock;
}

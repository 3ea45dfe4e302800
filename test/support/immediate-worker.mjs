// A Piscina worker for test/pool-idle-turns.test.ts: `schedule` leaves a setImmediate behind it
// (as util/reclaim's `dropped` does), `count` says how many have run.
let ran = 0;
export function schedule() {
  setImmediate(() => {
    ran++;
  });
  return ran;
}
export function count() {
  return ran;
}

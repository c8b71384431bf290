/**
 * Preloaded into a spawned calsync (NODE_OPTIONS=--import <this file>) to give
 * it a wrong clock: Date.now() and `new Date()` are shifted by
 * TEST_CLOCK_SHIFT_MS milliseconds. Tests only.
 */
/* global process */
const shift = Number(process.env.TEST_CLOCK_SHIFT_MS ?? '0');
if (Number.isFinite(shift) && shift !== 0) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + shift);
      else super(...args);
    }
    static now() {
      return RealDate.now() + shift;
    }
  }
  globalThis.Date = ShiftedDate;
}

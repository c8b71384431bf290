import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionSlots } from '../src/server/connection-slots.js';

function slotsAt(clock: { t: number }) {
  return new ConnectionSlots({ maxConnections: 4, reserve: 1, graceMs: 100, burst: 2 }, () => clock.t);
}

describe('ConnectionSlots', () => {
  it('cuts the oldest socket still waiting for its request, not the newcomer', () => {
    const clock = { t: 0 };
    const slots = slotsAt(clock);
    const sockets = Array.from({ length: 4 }, () => new Socket());
    for (const s of sockets) {
      slots.admit(s);
      clock.t += 200;
    }
    // 4 waiting > 4 - 1 reserved: the first one went when the fourth came.
    expect(sockets.map((s) => s.destroyed)).toEqual([true, false, false, false]);
  });

  it('never cuts a socket whose request is being answered', () => {
    const clock = { t: 0 };
    const slots = slotsAt(clock);
    const answering = new Socket();
    slots.admit(answering);
    slots.answering(answering);
    const others = Array.from({ length: 5 }, () => new Socket());
    for (const s of others) {
      clock.t += 200;
      slots.admit(s);
    }
    expect(answering.destroyed).toBe(false);
    expect(others.filter((s) => !s.destroyed)).toHaveLength(3);
  });

  it('gives a newcomer its grace time, and refuses newcomers only past the burst allowance', () => {
    const clock = { t: 0 };
    const slots = slotsAt(clock);
    const batch = Array.from({ length: 7 }, () => new Socket());
    for (const s of batch) slots.admit(s); // one accept batch: all within their grace
    expect(batch.map((s) => s.destroyed)).toEqual([false, false, false, false, false, false, true]);
    clock.t += 150;
    const late = new Socket();
    slots.admit(late);
    expect(late.destroyed).toBe(false);
    expect(slots.open).toBeLessThanOrEqual(4);
  });
});

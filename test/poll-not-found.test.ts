import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('a source calendar that answers 404', () => {
  it('says whose token asked and the likely cause (a token of another account)', async () => {
    world = await startWorld();
    // The token file of alice holds bob's token: bob signed in on the chooser.
    world.cli.writeToken(ALICE, world.emu.authorizedUser('bob@corp.test'));
    const r = await world.cli.run(['poll']);
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toContain(`the token of ${ALICE} cannot see calendar ${ALICE}`);
    expect(out).toContain(`signing in as another Google account (run: calsync auth ${ALICE}`);
    expect(out).toContain('calsync config get sourceCalendars');
  });
});

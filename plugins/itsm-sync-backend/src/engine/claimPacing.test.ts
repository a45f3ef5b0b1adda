import {
  CLAIM_GATHER_MS,
  decideClaim,
  type ClaimPacingState,
} from './claimPacing';

const busy: ClaimPacingState = {
  concurrency: 16,
  inFlight: 10,
  sinceLastClaimMs: 1,
  lastClaimFull: false,
  pollIntervalMs: 1000,
};

describe('decideClaim', () => {
  it('claims every slot at once when nothing is in flight, however recent the last claim', () => {
    expect(decideClaim({ ...busy, inFlight: 0, sinceLastClaimMs: 0 })).toEqual({
      claim: 16,
    });
  });

  it('holds a busy dispatcher back until the gather window since the last claim has passed', () => {
    expect(decideClaim({ ...busy, sinceLastClaimMs: 1 })).toEqual({
      sleepMs: CLAIM_GATHER_MS - 1,
    });
    expect(decideClaim({ ...busy, sinceLastClaimMs: CLAIM_GATHER_MS })).toEqual(
      { claim: 6 },
    );
  });

  it('claims new work at once when only integrations holding their share are in flight', () => {
    const besideSlowVendor = { ...busy, inFlight: 8, inFlightAtShare: 8 };
    expect(decideClaim({ ...besideSlowVendor, woken: true })).toEqual({
      claim: 8,
      forNewWork: true,
    });
    // A freed slot alone (no new work) gathers as before, so no empty claims spin.
    expect(decideClaim({ ...besideSlowVendor, woken: false })).toEqual({
      sleepMs: CLAIM_GATHER_MS - 1,
    });
    // The last claim found nothing (the new work was the capped vendor's): gather, no spinning.
    expect(
      decideClaim({
        ...besideSlowVendor,
        woken: true,
        newWorkClaimFoundNothing: true,
      }),
    ).toEqual({ sleepMs: CLAIM_GATHER_MS - 1 });
    // A burst filling its claims gathers as before.
    expect(
      decideClaim({ ...besideSlowVendor, woken: true, lastClaimFull: true }),
    ).toEqual({ claim: 8 });
    // Others in flight too: new work gathers with theirs.
    expect(
      decideClaim({ ...busy, inFlight: 10, inFlightAtShare: 8, woken: true }),
    ).toEqual({ sleepMs: CLAIM_GATHER_MS - 1 });
  });

  it('after a full claim, claims as soon as half the slots are free, without waiting for the window', () => {
    expect(decideClaim({ ...busy, lastClaimFull: true, inFlight: 8 })).toEqual({
      claim: 8,
    });
    expect(decideClaim({ ...busy, lastClaimFull: true, inFlight: 9 })).toEqual({
      sleepMs: CLAIM_GATHER_MS - 1,
    });
  });

  it('sleeps a poll interval when every slot is taken', () => {
    expect(
      decideClaim({ ...busy, inFlight: 16, sinceLastClaimMs: 10_000 }),
    ).toEqual({ sleepMs: 1000 });
  });

  it('never sleeps longer than the poll interval nor less than a millisecond', () => {
    expect(
      decideClaim({ ...busy, gatherMs: 5000, pollIntervalMs: 50 }),
    ).toEqual({ sleepMs: 50 });
    expect(
      decideClaim({ ...busy, gatherMs: 5, sinceLastClaimMs: 4.9 }),
    ).toEqual({ sleepMs: 1 });
  });
});

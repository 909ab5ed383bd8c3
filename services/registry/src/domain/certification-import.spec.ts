import { planImport, type ExistingCertification, type ImportRecord } from './certification-import';
import type { StepContext } from './certification-lifecycle';

const today = '2026-06-15';
const ctx: StepContext = { today, rcbStatus: 'APPOINTED' };
const organization = {
  legalName: 'Acme Services Ltd',
  otherNames: [],
  country: 'GB',
  address: { lines: ['1 Main St'], city: 'Leeds', postalCode: null, country: 'GB' },
  publicListing: true,
};
const record = (overrides: Partial<ImportRecord> = {}): ImportRecord => ({
  certificateNumber: 'C-1',
  organization,
  standard: 'ISO_IEC_20000_1_2018',
  scope: 'IT services',
  sites: [],
  cycleStart: '2025-01-10',
  ...overrides,
});

function existingFrom(r: ImportRecord, version = 1): ExistingCertification {
  const plan = planImport('rcb-a', r, null, ctx);
  if (plan.outcome !== 'CREATED') throw new Error(`fixture not created: ${JSON.stringify(plan)}`);
  return { version, state: plan.step.state, organization: plan.organization };
}

describe('planImport', () => {
  it('creates a new certification', () => {
    const plan = planImport('rcb-a', record(), null, ctx);
    expect(plan).toMatchObject({
      outcome: 'CREATED',
      step: { change: 'ISSUED', state: { status: 'CERTIFIED', expiry: '2028-01-09' } },
    });
  });

  it('reports an identical record as unchanged, even with jsonb-reordered keys', () => {
    const existing = existingFrom(record());
    const reordered = {
      ...existing,
      organization: {
        ...organization,
        address: { country: 'GB', postalCode: null, city: 'Leeds', lines: ['1 Main St'] },
      },
    };
    expect(planImport('rcb-a', record(), reordered, ctx)).toEqual({ outcome: 'UNCHANGED' });
  });

  it('updates what changed and names the fields', () => {
    const plan = planImport(
      'rcb-a',
      record({ scope: 'All IT services', organization: { ...organization, legalName: 'Acme Ltd' } }),
      existingFrom(record()),
      ctx,
    );
    expect(plan).toMatchObject({
      outcome: 'UPDATED',
      organizationChanged: true,
      changedFields: ['scope', 'organization'],
    });
  });

  it('moves the lifecycle through the state machine: suspension, recertification', () => {
    const suspended = planImport(
      'rcb-a',
      record({ status: 'SUSPENDED', statusReason: 'nc' }),
      existingFrom(record()),
      ctx,
    );
    expect(suspended).toMatchObject({
      outcome: 'UPDATED',
      step: { change: 'SUSPENDED', state: { status: 'SUSPENDED', suspendedOn: today } },
    });
    const recertified = planImport(
      'rcb-a',
      record({ cycleStart: '2026-06-01' }),
      existingFrom(record()),
      ctx,
    );
    expect(recertified).toMatchObject({
      outcome: 'UPDATED',
      step: { change: 'RECERTIFIED', state: { cycleStart: '2026-06-01', expiry: '2029-05-31' } },
    });
  });

  it('rejects forbidden transitions, stale versions and bad data, naming the reason', () => {
    const withdrawn = existingFrom(record({ status: 'WITHDRAWN', statusReason: 'left' }));
    expect(planImport('rcb-a', record(), withdrawn, ctx)).toMatchObject({
      outcome: 'REJECTED',
      code: 'CONFLICT',
    });
    expect(planImport('rcb-a', record({ expectedVersion: 1 }), existingFrom(record(), 3), ctx)).toMatchObject(
      {
        outcome: 'REJECTED',
        code: 'CONFLICT',
        reasons: [expect.stringContaining('stale version')],
      },
    );
    expect(
      planImport('rcb-a', record({ organization: { ...organization, country: 'Britain' } }), null, ctx),
    ).toMatchObject({
      outcome: 'REJECTED',
      code: 'BAD_USER_INPUT',
    });
    expect(planImport('rcb-a', record(), null, { today, rcbStatus: 'WITHDRAWN' })).toMatchObject({
      outcome: 'REJECTED',
      code: 'CONFLICT',
    });
  });

  it('accepts the 2011 edition only for records of the past', () => {
    expect(planImport('rcb-a', record({ standard: 'ISO_IEC_20000_1_2011' }), null, ctx)).toMatchObject({
      outcome: 'REJECTED',
    });
    const past = planImport(
      'rcb-a',
      record({ standard: 'ISO_IEC_20000_1_2011', cycleStart: '2015-03-01' }),
      null,
      ctx,
    );
    expect(past).toMatchObject({
      outcome: 'CREATED',
      step: { state: { standard: 'ISO_IEC_20000_1_2011', expiry: '2018-02-28' } },
    });
  });

  it('asks for a new cycle to bring back an expired certification', () => {
    const expired = existingFrom(record({ cycleStart: '2023-01-01' }));
    expect(planImport('rcb-a', record({ cycleStart: '2023-01-01' }), expired, ctx)).toMatchObject({
      outcome: 'REJECTED',
      reasons: [expect.stringContaining('new cycleStart')],
    });
  });
});

import { planSeed, SeedUsageError } from '../src/seed-plan';

describe('seed plan', () => {
  it('runs only the generators whose volume was asked for, with their databases on the server', () => {
    const steps = planSeed(['--sittings', '1000000', '--database-url', 'postgres://u:p@db:5433'], {});
    expect(steps).toHaveLength(1);
    expect(steps[0].service).toBe('exam');
    expect(steps[0].args).toEqual([
      '--sittings',
      '1000000',
      '--database-url',
      'postgres://u:p@db:5433/iso20000_exam',
    ]);
    // Progress lines say how far along the generator is against what it was asked for.
    expect(steps[0].expected).toBe(1_000_000);
  });

  it('passes the accreditation database in DATABASE_URL, as its generator reads it', () => {
    const [step] = planSeed(['--atos', '50', '--courses', '500', '--replace'], {
      DATABASE_URL: 'postgres://x@h:5432',
    });
    expect(step.service).toBe('accreditation');
    expect(step.args).toEqual(['--atos', '50', '--courses', '500', '--reset']);
    expect(step.env.DATABASE_URL).toBe('postgres://x@h:5432/iso20000_accreditation');
  });

  it('runs every generator with its defaults when no volume is given, providers first', () => {
    const steps = planSeed(['--database-prefix', 'bench'], {});
    expect(steps.map((s) => s.service)).toEqual(['accreditation', 'registry', 'exam']);
    expect(steps[1].args).toEqual(['--database-url', 'postgres://postgres@127.0.0.1:5432/bench_registry']);
  });

  it("appoints the registry volume's RCBs in accreditation too, without training providers", () => {
    const steps = planSeed(['--organizations', '600', '--certifications', '1000', '--rcbs', '30'], {});
    expect(steps.map((s) => s.service)).toEqual(['accreditation', 'registry']);
    expect(steps[0].args).toEqual(['--atos', '0', '--courses', '0', '--rcbs', '30']);
    expect(steps[1].args).toContain('--rcbs');
  });

  it('refuses a count that is not a whole number and unknown flags', () => {
    expect(() => planSeed(['--sittings', 'many'], {})).toThrow(SeedUsageError);
    expect(() => planSeed(['--sitings', '5'], {})).toThrow(SeedUsageError);
  });
});

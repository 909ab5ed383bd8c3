import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** The generators the service owners keep inside their services (tools never import services). */
export const GENERATORS = {
  accreditation: 'services/accreditation/src/seed/generate-providers.ts',
  registry: 'services/registry/src/seed/generate-registry.ts',
  exam: 'services/exam/src/statistics/seed/generate-history.ts',
} as const;
export type SeededService = keyof typeof GENERATORS;

/** The table whose inserted rows measure each generator's progress (what its volume option counts). */
export const PROGRESS_TABLES: Record<SeededService, { table: string; what: string }> = {
  accreditation: { table: 'ato', what: 'ATOs' },
  registry: { table: 'organization_certification', what: 'certifications' },
  exam: { table: 'statistics_result_fact', what: 'sittings' },
};

export interface SeedStep {
  service: SeededService;
  /** Path relative to the workspace root. */
  file: string;
  args: string[];
  /** Extra environment (the accreditation generator takes its database from DATABASE_URL). */
  env: Record<string, string>;
  databaseUrl: string;
  /** Rows the generator is asked for in its progress table, when given. */
  expected?: number;
}

export const SEED_USAGE = `npm run seed -- [options]

  --sittings N                 exam statistics history (released results), e.g. 1000000
  --organizations N --certifications N --rcbs N
                               registry volume (replaces the registry's rows unless --append); the
                               RCBs are appointed in accreditation too
  --atos N --courses N         training providers and their courses
  --database-url URL           PostgreSQL server (default: DATABASE_URL, else postgres://postgres@127.0.0.1:5432)
  --database-prefix NAME       databases are <NAME>_<service> (default: iso20000, as npm start)
  --replace                    exam: replace the history; accreditation: remove existing ATOs first
  --append                     registry: add to the existing rows
  --seed N                     random seed (exam, registry)

Without any volume option, every generator runs with its own defaults.`;

export class SeedUsageError extends Error {}

/** A server URL with the database path set to `database`. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const positive = (name: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new SeedUsageError(`--${name} must be a whole number, got "${value}"`);
  return String(number);
};

/** Turns the command line into the generator runs, in order: providers, registry, exam history. */
export function planSeed(argv: string[], env: NodeJS.ProcessEnv = process.env): SeedStep[] {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        sittings: { type: 'string' },
        organizations: { type: 'string' },
        certifications: { type: 'string' },
        rcbs: { type: 'string' },
        atos: { type: 'string' },
        courses: { type: 'string' },
        'database-url': { type: 'string' },
        'database-prefix': { type: 'string', default: 'iso20000' },
        replace: { type: 'boolean', default: false },
        append: { type: 'boolean', default: false },
        seed: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new SeedUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) throw new SeedUsageError('');
  const serverUrl = values['database-url'] ?? env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  try {
    new URL(serverUrl);
  } catch {
    throw new SeedUsageError(`--database-url is not a URL: ${serverUrl}`);
  }
  const prefix = values['database-prefix'];
  const seed = positive('seed', values.seed);
  const counts = {
    sittings: positive('sittings', values.sittings),
    organizations: positive('organizations', values.organizations),
    certifications: positive('certifications', values.certifications),
    rcbs: positive('rcbs', values.rcbs),
    atos: positive('atos', values.atos),
    courses: positive('courses', values.courses),
  };
  const any = Object.values(counts).some((value) => value !== undefined);
  const wants = {
    // Accreditation appoints the registry's seeded RCBs too, so the registry's `rcb` references resolve.
    accreditation:
      !any || counts.atos !== undefined || counts.courses !== undefined || counts.rcbs !== undefined,
    registry:
      !any ||
      counts.organizations !== undefined ||
      counts.certifications !== undefined ||
      counts.rcbs !== undefined,
    exam: !any || counts.sittings !== undefined,
  };
  const flag = (name: string, value: string | undefined) => (value === undefined ? [] : [`--${name}`, value]);
  const steps: SeedStep[] = [];
  if (wants.accreditation) {
    const databaseUrl = databaseUrlFor(serverUrl, `${prefix}_accreditation`);
    steps.push({
      service: 'accreditation',
      file: GENERATORS.accreditation,
      args: [
        // Asked only for RCBs: no training providers.
        ...flag(
          'atos',
          counts.atos ?? (counts.rcbs !== undefined && counts.courses === undefined ? '0' : undefined),
        ),
        ...flag(
          'courses',
          counts.courses ?? (counts.rcbs !== undefined && counts.atos === undefined ? '0' : undefined),
        ),
        ...flag('rcbs', counts.rcbs),
        ...(values.replace ? ['--reset'] : []),
      ],
      env: { DATABASE_URL: databaseUrl },
      databaseUrl,
    });
  }
  if (wants.registry) {
    const databaseUrl = databaseUrlFor(serverUrl, `${prefix}_registry`);
    steps.push({
      service: 'registry',
      file: GENERATORS.registry,
      args: [
        ...flag('organizations', counts.organizations),
        ...flag('certifications', counts.certifications),
        ...flag('rcbs', counts.rcbs),
        ...flag('seed', seed),
        '--database-url',
        databaseUrl,
        ...(values.append ? ['--append'] : []),
      ],
      env: {},
      databaseUrl,
      expected: counts.certifications !== undefined ? Number(counts.certifications) : undefined,
    });
  }
  if (wants.exam) {
    const databaseUrl = databaseUrlFor(serverUrl, `${prefix}_exam`);
    steps.push({
      service: 'exam',
      file: GENERATORS.exam,
      args: [
        ...flag('sittings', counts.sittings),
        ...flag('seed', seed),
        '--database-url',
        databaseUrl,
        ...(values.replace ? ['--replace'] : []),
      ],
      env: {},
      databaseUrl,
      expected: counts.sittings !== undefined ? Number(counts.sittings) : undefined,
    });
  }
  return steps;
}

export const workspaceRoot = join(__dirname, '..', '..', '..');

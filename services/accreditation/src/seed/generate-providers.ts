/**
 * Realistic volume for find-a-training-provider: accredited ATOs (and some in other statuses) with
 * courses over every exam level, language, country and delivery mode the scheme allows.
 *
 *   node -r @swc-node/register services/accreditation/src/seed/generate-providers.ts --atos 5000 --courses 50000 [--reset] [--bench]
 *
 * DATABASE_URL names the accreditation database (created and migrated when absent). Rows go in with
 * multi-row INSERTs in batches; a fixed random seed makes runs repeatable. --bench then times the search.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import {
  pick as pickWith,
  randomGenerator,
  runMaintenance,
  seededRcbCountry,
  seededRcbId,
  seededRcbName,
  seededRcbStatus,
} from '@iso20000/seed-kit';
import { ATO_ACTIVE_STATUS, ATO_STATUSES, RCB_ACTIVE_STATUS } from '@iso20000/scheme';
import { createLogger, openDataSource } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import { toolDatabaseUrl, toolLogLevel } from '../config';
import { entities, migrations } from '../data-source';
import { examReferences } from '../exam-reference';
import { benchmarkProviderSearch, formatBenchmark } from './bench-providers';

export interface GenerateProvidersOptions {
  atos: number;
  courses: number;
  /** Share of ATOs that are accredited (the rest: applied, suspended, withdrawn...). Default 0.9. */
  accreditedShare?: number;
  seed?: number;
  onProgress?: (stage: 'atos' | 'courses', done: number, total: number) => void;
}

const COUNTRIES = [
  'GB',
  'DE',
  'NL',
  'FR',
  'ES',
  'PT',
  'BR',
  'JP',
  'CN',
  'HK',
  'TW',
  'US',
  'CA',
  'AU',
  'IN',
  'ZA',
  'AE',
  'SG',
  'IE',
  'IT',
  'CH',
  'AT',
  'SE',
  'PL',
  'MX',
];
const FIRST = [
  'Apex',
  'Bright',
  'Clear',
  'Delta',
  'Evergreen',
  'Frontier',
  'Global',
  'Harbor',
  'Insight',
  'Keystone',
  'Lumen',
  'Meridian',
  'Northstar',
  'Orbit',
  'Pinnacle',
  'Quantum',
  'Summit',
  'Vertex',
];
const SECOND = [
  'Service',
  'ITSM',
  'Process',
  'Quality',
  'Governance',
  'Operations',
  'Assurance',
  'Digital',
  'Standards',
  'Excellence',
];
const THIRD = [
  'Academy',
  'Training',
  'Institute',
  'Learning',
  'Partners',
  'Education',
  'Consulting',
  'College',
];
const MODES = ['CLASSROOM', 'VIRTUAL', 'SELF_STUDY'] as const;
const OTHER_STATUSES = ATO_STATUSES.filter((status) => status !== ATO_ACTIVE_STATUS);

async function insertRows(
  dataSource: DataSource,
  table: string,
  columns: string[],
  rows: unknown[][],
  casts: Record<string, string> = {},
): Promise<void> {
  if (!rows.length) return;
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const placeholders = row.map((value, index) => {
      params.push(value);
      const cast = casts[columns[index]];
      return `$${params.length}${cast ? `::${cast}` : ''}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  await dataSource.query(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
    params,
  );
}

function addDays(day: Date, days: number): string {
  return new Date(day.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export async function generateProviders(
  dataSource: DataSource,
  options: GenerateProvidersOptions,
): Promise<{ atos: number; courses: number }> {
  const rand = randomGenerator(options.seed ?? 20000);
  const pick = <T>(values: readonly T[]): T => pickWith(rand, values);
  const accreditedShare = options.accreditedShare ?? 0.9;
  // In code order, each exam's languages in tag order: the order the stored copy was read in, so a seed stays the run it was.
  const levels = [...examReferences()].sort((a, b) => a.code.localeCompare(b.code));
  const languages = new Map<string, string[]>(levels.map((level) => [level.code, [...level.languages]]));
  const exams = levels.map((level) => level.code);
  const now = new Date();

  const atoIds: string[] = [];
  const accredited: { id: string; country: string; examLevels: string[] }[] = [];
  const ATO_BATCH = 1000;
  for (let start = 0; start < options.atos; start += ATO_BATCH) {
    const rows: unknown[][] = [];
    const history: unknown[][] = [];
    for (let i = start; i < Math.min(options.atos, start + ATO_BATCH); i++) {
      const id = randomUUID();
      const country = pick(COUNTRIES);
      const status = rand() < accreditedShare ? ATO_ACTIVE_STATUS : pick(OTHER_STATUSES);
      const examLevels = exams.filter(() => rand() < 0.7);
      if (!examLevels.length) examLevels.push(pick(exams));
      const name = `${pick(FIRST)} ${pick(SECOND)} ${pick(THIRD)} ${i + 1}`;
      const langs = [
        ...new Set(examLevels.flatMap((e) => languages.get(e) ?? []).filter(() => rand() < 0.4)),
      ];
      if (!langs.length) langs.push('en');
      const appliedAt = new Date(now.getTime() - Math.floor(rand() * 3 * 365) * 86_400_000);
      rows.push([
        id,
        name,
        country,
        JSON.stringify({
          legalName: `${name} Ltd`,
          registrationNumber: null,
          address: [`${i + 1} Main Street`],
          website: null,
        }),
        JSON.stringify([
          { name: 'Training Desk', email: `desk${i + 1}@training.example`, phone: null, role: null },
        ]),
        examLevels,
        langs,
        MODES.filter(() => rand() < 0.7)
          .concat(['CLASSROOM'])
          .filter((m, k, all) => all.indexOf(m) === k),
        status,
        status === 'SUSPENDED' || status === 'WITHDRAWN' || status === 'REJECTED' ? 'seeded' : null,
        appliedAt,
        appliedAt,
      ]);
      history.push([randomUUID(), id, null, 'APPLIED', null, 'seed', appliedAt]);
      if (status !== 'APPLIED') history.push([randomUUID(), id, 'APPLIED', status, null, 'seed', appliedAt]);
      atoIds.push(id);
      if (status === ATO_ACTIVE_STATUS) accredited.push({ id, country, examLevels });
    }
    await insertRows(
      dataSource,
      'ato',
      [
        'id',
        'name',
        'country',
        'company_details',
        'contacts',
        'exam_levels',
        'languages',
        'delivery_modes',
        'status',
        'status_reason',
        'applied_at',
        'status_changed_at',
      ],
      rows,
      {
        company_details: 'jsonb',
        contacts: 'jsonb',
        exam_levels: 'text[]',
        languages: 'text[]',
        delivery_modes: 'text[]',
      },
    );
    await insertRows(
      dataSource,
      'ato_status_change',
      ['id', 'ato_id', 'from_status', 'to_status', 'reason', 'changed_by', 'changed_at'],
      history,
    );
    options.onProgress?.('atos', atoIds.length, options.atos);
  }

  // Courses belong to accredited ATOs (others could not have published them).
  const owners = accredited.length
    ? accredited
    : atoIds.map((id) => ({ id, country: 'GB', examLevels: exams }));
  const COURSE_BATCH = 2000;
  let made = 0;
  while (made < options.courses) {
    const rows: unknown[][] = [];
    for (let i = 0; i < COURSE_BATCH && made < options.courses; i++, made++) {
      const owner = pick(owners);
      let examCode = pick(owner.examLevels);
      let mode = rand() < 0.15 ? 'SELF_STUDY' : rand() < 0.5 ? 'CLASSROOM' : 'VIRTUAL';
      if (mode === 'SELF_STUDY' && examCode === 'AUDITOR') mode = 'VIRTUAL';
      if (!languages.has(examCode)) examCode = exams[0];
      // Mostly in the ATO's own country, sometimes abroad; a fifth already over.
      const country = rand() < 0.8 ? owner.country : pick(COUNTRIES);
      const offset = rand() < 0.2 ? -Math.floor(rand() * 365) - 10 : Math.floor(rand() * 365);
      const startsOn = mode === 'SELF_STUDY' ? null : addDays(now, offset);
      const endsOn = mode === 'SELF_STUDY' ? null : addDays(now, offset + 1 + Math.floor(rand() * 4));
      rows.push([
        randomUUID(),
        owner.id,
        examCode,
        pick(languages.get(examCode)!),
        country,
        mode,
        startsOn,
        endsOn,
        rand() < 0.8,
        now,
      ]);
    }
    await insertRows(
      dataSource,
      'course',
      [
        'id',
        'ato_id',
        'exam_code',
        'language',
        'country',
        'delivery_mode',
        'starts_on',
        'ends_on',
        'exam_included',
        'created_at',
      ],
      rows,
    );
    options.onProgress?.('courses', made, options.courses);
  }
  // VACUUM also merges the trigram index's pending list: bulk-inserted names are otherwise not indexed
  // for the planner, which then filters every name instead of using the index.
  await runMaintenance(dataSource, ['VACUUM (ANALYZE) "ato"', 'VACUUM (ANALYZE) "course"']);
  return { atos: atoIds.length, courses: made };
}

/**
 * Appoints the scheme's seeded RCBs (ids and names shared with the registry's seed, so the
 * registry's certifications name an RCB accreditation knows). Existing ones are left as they are.
 */
export async function generateRcbs(dataSource: DataSource, count: number): Promise<number> {
  if (count < 1) return 0;
  const appointedAt = new Date(Date.now() - 2 * 365 * 86_400_000);
  const rcbs = Array.from({ length: count }, (_, i) => {
    const status = seededRcbStatus(i);
    return {
      id: seededRcbId(i),
      name: seededRcbName(i),
      country: seededRcbCountry(i),
      company_details: {
        legalName: seededRcbName(i),
        registrationNumber: null,
        address: [`${i + 1} Audit Street`],
        website: null,
      },
      contacts: [{ name: 'Certification Desk', email: `rcb${i + 1}@rcb.example`, phone: null, role: null }],
      national_accreditation_body: 'UKAS',
      accreditation_reference: `NAB-${String(i + 1).padStart(4, '0')}`,
      countries_served: [seededRcbCountry(i)],
      status,
      status_reason: status === RCB_ACTIVE_STATUS ? null : 'seeded',
    };
  });
  const inserted: { id: string; status: string }[] = await dataSource.query(
    `INSERT INTO "rcb" ("id", "name", "country", "company_details", "contacts", "national_accreditation_body",
       "accreditation_reference", "countries_served", "status", "status_reason", "applied_at", "status_changed_at")
     SELECT r.id, r.name, r.country, r.company_details, r.contacts, r.national_accreditation_body,
            r.accreditation_reference, r.countries_served, r.status, r.status_reason, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, country text, company_details jsonb,
            contacts jsonb, national_accreditation_body text, accreditation_reference text,
            countries_served text[], status text, status_reason text)
     ON CONFLICT ("id") DO NOTHING
     RETURNING "id", "status"`,
    [JSON.stringify(rcbs), appointedAt],
  );
  const history = inserted.flatMap(({ id, status }) => [
    [randomUUID(), id, null, 'APPLIED', null, 'seed', appointedAt],
    [randomUUID(), id, 'APPLIED', RCB_ACTIVE_STATUS, null, 'seed', appointedAt],
    ...(status === RCB_ACTIVE_STATUS
      ? []
      : [[randomUUID(), id, RCB_ACTIVE_STATUS, status, 'seeded', 'seed', appointedAt]]),
  ]);
  for (let start = 0; start < history.length; start += 1000)
    await insertRows(
      dataSource,
      'rcb_status_change',
      ['id', 'rcb_id', 'from_status', 'to_status', 'reason', 'changed_by', 'changed_at'],
      history.slice(start, start + 1000),
    );
  return inserted.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      atos: { type: 'string', default: '5000' },
      courses: { type: 'string', default: '50000' },
      // The registry's seed defaults to 300 RCBs: the same ones, appointed here.
      rcbs: { type: 'string', default: '300' },
      reset: { type: 'boolean', default: false },
      bench: { type: 'boolean', default: false },
      iterations: { type: 'string', default: '200' },
    },
  });
  const atos = Number(values.atos);
  const courses = Number(values.courses);
  const rcbs = Number(values.rcbs);
  if (![atos, courses, rcbs].every((n) => Number.isInteger(n) && n >= 0) || (atos === 0 && courses > 0)) {
    throw new Error('--atos, --courses and --rcbs must be whole numbers, and courses need ATOs');
  }
  const logger = createLogger('accreditation-seed', toolLogLevel());
  const dataSource = await openDataSource({ url: toolDatabaseUrl(), entities, migrations, logger });
  try {
    if (values.reset) {
      process.stdout.write('removing existing ATOs and their courses\n');
      await dataSource.query('TRUNCATE "course", "trainer", "ato_status_change", "ato" CASCADE');
    }
    const started = Date.now();
    const appointed = await generateRcbs(dataSource, rcbs);
    if (rcbs > 0) process.stdout.write(`seeded RCBs: ${appointed} new of ${rcbs}\n`);
    const bars = new Map<string, SingleBar>();
    const result = await generateProviders(dataSource, {
      atos,
      courses,
      onProgress(stage, done, total) {
        let bar = bars.get(stage);
        if (!bar) {
          bar = new SingleBar(
            {
              format: `${stage.padEnd(8)} [{bar}] {value}/{total} {percentage}% | {eta}s left`,
              noTTYOutput: true,
              notTTYSchedule: 1000,
            },
            Presets.shades_classic,
          );
          bar.start(total, 0);
          bars.set(stage, bar);
        }
        bar.update(done);
        if (done >= total) bar.stop();
      },
    });
    process.stdout.write(
      `inserted ${result.atos} ATOs and ${result.courses} courses in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    if (values.bench) {
      const report = await benchmarkProviderSearch(dataSource, { iterations: Number(values.iterations) });
      process.stdout.write(formatBenchmark(report));
    }
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

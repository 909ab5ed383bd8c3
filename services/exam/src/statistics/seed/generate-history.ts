/**
 * Generates a realistic history of released results straight into the statistics tables, then
 * rebuilds the rollups from the facts:
 *
 *   node -r @swc-node/register services/exam/src/statistics/seed/generate-history.ts \
 *     --sittings 1000000 --database-url postgres://postgres@127.0.0.1:5432/iso20000_exam [--replace] [--seed 42]
 *   (--rebuild-only: migrate and recompute the rollups from the facts already there)
 *
 * Spread over the three exams, their languages, 45 countries, 500 ATOs (plus public sessions and
 * self-study) and 5 years. Answers come from a 3-parameter IRT model per paper (shared by its
 * translations), with deliberate defects the item analysis should find: a miskeyed question,
 * a weak one, one too easy, one too hard, and one badly translated into Japanese.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { SingleBar, Presets } from 'cli-progress';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, LONG_JOB_DATABASE_TIMEOUTS } from '@iso20000/service-kit';
import { SCHEME_EXAMS, type SchemeExam } from '@iso20000/scheme';
import { seedForms } from '../../reference-data/scheme-reference-data';
import type { AnswerOption } from '../../domain/marking';
import { rebuildRollups } from '../released-result/record-released-result';
import { toolDatabaseUrl } from '../../config';
import { entities, migrations } from '../../data-source';
import { randomGenerator, runMaintenance } from '@iso20000/seed-kit';

export interface GenerateHistoryOptions {
  sittings: number;
  databaseUrl: string;
  replace: boolean;
  seed: number;
  batchSize: number;
  /** Only migrate and rebuild the rollups from the facts already there. */
  rebuildOnly: boolean;
}

export function parseGenerateHistoryOptions(argv: string[]): GenerateHistoryOptions {
  const options: GenerateHistoryOptions = {
    sittings: 1_000_000,
    databaseUrl: toolDatabaseUrl(),
    replace: false,
    seed: 20001,
    batchSize: 5000,
    rebuildOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--sittings') options.sittings = Number(value());
    else if (arg === '--database-url') options.databaseUrl = value();
    else if (arg === '--replace') options.replace = true;
    else if (arg === '--rebuild-only') options.rebuildOnly = true;
    else if (arg === '--seed') options.seed = Number(value());
    else if (arg === '--batch-size') options.batchSize = Number(value());
    else if (arg === '--') continue;
    else
      throw new Error(`unknown option ${arg} (use --sittings N --database-url URL [--replace] [--seed N])`);
  }
  if (!Number.isInteger(options.sittings) || options.sittings < 1)
    throw new Error('--sittings must be a positive integer');
  return options;
}

type Random = () => number;
const normal = (random: Random): number =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
function pick<T>(random: Random, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [item, weight] of items) {
    r -= weight;
    if (r <= 0) return item;
  }
  return items[items.length - 1][0];
}

// Country, weight, language family spoken there.
const COUNTRIES: ReadonlyArray<readonly [string, number, string]> = [
  ['GB', 14, 'en'],
  ['US', 10, 'en'],
  ['IE', 2, 'en'],
  ['AU', 4, 'en'],
  ['CA', 3, 'en'],
  ['IN', 8, 'en'],
  ['SG', 2, 'en'],
  ['ZA', 2, 'en'],
  ['NG', 1, 'en'],
  ['KE', 1, 'en'],
  ['NZ', 1, 'en'],
  ['NL', 3, 'en'],
  ['BE', 1, 'en'],
  ['SE', 1, 'en'],
  ['DK', 1, 'en'],
  ['NO', 1, 'en'],
  ['FI', 1, 'en'],
  ['PL', 2, 'en'],
  ['FR', 2, 'en'],
  ['IT', 2, 'en'],
  ['AE', 2, 'en'],
  ['SA', 1, 'en'],
  ['MY', 2, 'en'],
  ['PH', 1, 'en'],
  ['TH', 1, 'en'],
  ['KR', 2, 'en'],
  ['VN', 1, 'en'],
  ['ID', 1, 'en'],
  ['TR', 1, 'en'],
  ['EG', 1, 'en'],
  ['DE', 6, 'de'],
  ['AT', 1, 'de'],
  ['CH', 2, 'de'],
  ['JP', 9, 'ja'],
  ['CN', 8, 'zh'],
  ['HK', 2, 'zh-Hant'],
  ['TW', 2, 'zh-Hant'],
  ['BR', 5, 'pt-BR'],
  ['PT', 1, 'pt'],
  ['ES', 3, 'es'],
  ['MX', 2, 'es'],
  ['AR', 1, 'es'],
  ['CO', 1, 'es'],
  ['CL', 1, 'es'],
  ['PE', 1, 'es'],
];

/** The exam language a candidate from a language family sits in (local when the exam has it, else English). */
function examLanguage(random: Random, exam: SchemeExam, family: string): string {
  const tags = exam.languages.map((l) => l.tag);
  const candidates: Record<string, string[]> = {
    en: ['en'],
    de: ['de'],
    ja: ['ja'],
    es: ['es'],
    pt: ['pt', 'pt-BR'],
    'pt-BR': ['pt-BR', 'pt'],
    zh: ['zh', 'zh-Hans', 'zh-Hant'],
    'zh-Hant': ['zh-Hant', 'zh'],
  };
  const local = (candidates[family] ?? []).find((tag) => tags.includes(tag));
  return local && random() < 0.8 ? local : 'en';
}

interface ItemModel {
  a: number;
  b: number;
  c: number;
  maxMarks: number;
  key: AnswerOption;
  /** The option a candidate who knows the answer picks; differs from the key for a miskeyed item. */
  truth: AnswerOption;
}

interface PaperModel {
  exam: SchemeExam;
  items: ItemModel[];
  /** Extra difficulty per language (a poor translation). */
  languageShift: Record<string, Record<number, number>>;
  trainerMarks: number;
}

const OPTIONS: AnswerOption[] = ['A', 'B', 'C', 'D'];

function buildPapers(random: Random): Map<string, PaperModel> {
  const papers = new Map<string, PaperModel>();
  const forms = seedForms();
  for (const exam of SCHEME_EXAMS) {
    const form = forms.find((f) => f.examCode === exam.code && f.language === 'en');
    if (!form) throw new Error(`no English form for ${exam.code} in the exam reference data`);
    const keys: Array<{ key: AnswerOption; marks: number }> =
      form.answerKey.format === 'MULTIPLE_CHOICE'
        ? form.answerKey.answers.map((key) => ({ key, marks: 1 }))
        : form.answerKey.questions.flatMap((q) =>
            q.items.map((item) => ({ key: item.key, marks: item.marks })),
          );
    const centre = exam.code === 'FOUNDATION' ? -0.9 : exam.code === 'AUDITOR' ? -0.6 : -0.2;
    const items: ItemModel[] = keys.map(({ key, marks }) => ({
      a: Math.exp(0.15 + 0.3 * normal(random)),
      b: centre + 0.8 * normal(random),
      c: exam.code === 'PRACTITIONER' ? 0.15 : 0.22,
      maxMarks: marks,
      key,
      truth: key,
    }));
    // Deliberate defects, so the flags have something to find.
    const miskeyed = items[6];
    miskeyed.truth = OPTIONS[(OPTIONS.indexOf(miskeyed.key) + 1) % 4];
    miskeyed.b = -1.2;
    items[12].a = 0.12; // weak: barely related to ability
    items[20].b = -5; // too easy
    items[20].c = 0.9;
    items[items.length - 3].b = 3.2; // too hard, with an attractive distractor
    items[items.length - 3].c = 0.04;
    papers.set(exam.code, {
      exam,
      items,
      languageShift: { ja: { 17: 2.2 } }, // item 18 is badly translated into Japanese
      trainerMarks: Math.ceil(((exam.trainerEligibilityPercentage ?? 101) * exam.maxMarks) / 100),
    });
  }
  return papers;
}

interface Ato {
  id: string;
  country: string;
  family: string;
  quality: number;
  size: number;
}

/** Also callable from tools/seed: `generateHistory(parseGenerateHistoryOptions(['--sittings', '1000000']))`. */
export async function generateHistory(
  options: GenerateHistoryOptions,
): Promise<{ sittings: number; seconds: number }> {
  const started = Date.now();
  const random = randomGenerator(options.seed);
  const dataSource = await openStatisticsDatabase(options.databaseUrl);
  try {
    if (options.rebuildOnly) {
      await dataSource.transaction((manager) => rebuildRollups(manager));
      return { sittings: 0, seconds: (Date.now() - started) / 1000 };
    }
    if (options.replace) {
      await dataSource.query(
        'TRUNCATE statistics_result_fact, statistics_score_rollup, statistics_monthly_score_rollup, statistics_group_rollup, statistics_form_rollup, statistics_item_rollup',
      );
    }
    const papers = buildPapers(random);
    const formIds = new Map(seedForms().map((f) => [`${f.examCode}/${f.language}`, f.id]));
    const atos: Ato[] = Array.from({ length: 500 }, () => {
      const [country, , family] = pick(
        random,
        COUNTRIES.map((c) => [c, c[1]] as const),
      );
      return {
        id: randomUUID(),
        country,
        family,
        quality: 0.35 * normal(random),
        size: Math.exp(normal(random)),
      };
    });
    const atoPick = atos.map((a) => [a, a.size] as const);
    const countryPick = COUNTRIES.map((c) => [c, c[1]] as const);
    const examPick = [
      [papers.get('FOUNDATION')!, 60],
      [papers.get('PRACTITIONER')!, 25],
      [papers.get('AUDITOR')!, 15],
    ] as const;
    // 60 months ending last month, growing ~12% a year, quieter in August and December.
    const now = new Date();
    const months = Array.from({ length: 60 }, (_, i) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 60 + i, 1));
      const season = d.getUTCMonth() === 7 ? 0.6 : d.getUTCMonth() === 11 ? 0.7 : 1;
      return [d, Math.pow(1.12, i / 12) * season] as const;
    });

    const client = new Client({ connectionString: options.databaseUrl });
    await client.connect();
    const bar = new SingleBar(
      { format: 'facts   [{bar}] {percentage}% | {value}/{total} sittings | {eta_formatted} left' },
      Presets.shades_classic,
    );
    bar.start(options.sittings, 0);
    try {
      for (let done = 0; done < options.sittings;) {
        const size = Math.min(options.batchSize, options.sittings - done);
        const columns: string[][] = Array.from({ length: 17 }, () => []);
        for (let n = 0; n < size; n++) {
          const paper = pick(random, examPick);
          const exam = paper.exam;
          const kindRoll = random();
          const kind =
            kindRoll < 0.75 || (exam.code === 'AUDITOR' && kindRoll < 0.9)
              ? 'ATO_COURSE'
              : kindRoll < 0.9 || !exam.selfStudyAllowed
                ? 'PUBLIC'
                : 'SELF_STUDY';
          const ato = kind === 'ATO_COURSE' ? pick(random, atoPick) : null;
          const [country, , family] = ato
            ? ([ato.country, 0, ato.family] as const)
            : pick(random, countryPick);
          const language = examLanguage(random, exam, family);
          const month = pick(random, months);
          const day = 1 + Math.floor(random() * 28);
          const satOn = `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const ability =
            normal(random) +
            (ato?.quality ?? 0) +
            (kind === 'SELF_STUDY' ? -0.3 : 0) +
            (language === 'en' ? 0 : -0.1);
          const marks: number[] = [];
          const maxMarks: number[] = [];
          const options: number[] = [];
          let score = 0;
          paper.items.forEach((item, i) => {
            const b = item.b + (paper.languageShift[language]?.[i] ?? 0);
            const p = item.c + (1 - item.c) / (1 + Math.exp(-1.7 * item.a * (ability - b)));
            let chosen: AnswerOption | null;
            if (random() < 0.008) chosen = null;
            else if (random() < p) chosen = item.truth;
            else {
              const others = OPTIONS.filter((o) => o !== item.truth);
              chosen = others[Math.floor(random() * 3)];
            }
            const mark = chosen === item.key ? item.maxMarks : 0;
            score += mark;
            marks.push(mark);
            maxMarks.push(item.maxMarks);
            options.push(chosen === null ? 0 : OPTIONS.indexOf(chosen) + 1);
          });
          const values = [
            randomUUID(),
            exam.code,
            language,
            country,
            ato?.id ?? '',
            kind,
            formIds.get(`${exam.code}/${language}`) ?? `${exam.code}/${language}`,
            satOn,
            `${satOn.slice(0, 8)}01`,
            String(score),
            String(exam.maxMarks),
            (Math.round((score / exam.maxMarks) * 10000) / 100).toFixed(2),
            String(score >= exam.passMark),
            String(score >= exam.passMark && score >= paper.trainerMarks),
            `{${marks.join(',')}}`,
            `{${maxMarks.join(',')}}`,
            `{${options.join(',')}}`,
          ];
          values.forEach((v, c) => columns[c].push(v));
        }
        await client.query(
          `INSERT INTO statistics_result_fact (sitting_id, exam_code, language, country, ato_id, session_kind, form_id, sat_on, sat_month,
             score, max_score, percentage, passed, trainer_eligible, item_marks, item_max_marks, item_options, record_key)
           SELECT id, exam, lang, country, nullif(ato, ''), kind, form, sat_on::date, sat_month::date, score::numeric, max_score::numeric,
             pct::numeric, passed::boolean, trainer::boolean, marks::smallint[], max_marks::smallint[], opts::smallint[],
             -- record keys from a strong random source, as recordReleasedResult draws them
             ('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))::bit(32)::int & 2147483647
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
             $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
             AS t(id, exam, lang, country, ato, kind, form, sat_on, sat_month, score, max_score, pct, passed, trainer, marks, max_marks, opts)`,
          columns,
        );
        done += size;
        bar.update(done);
      }
    } finally {
      bar.stop();
      await client.end();
    }
    process.stdout.write('rebuilding rollups from the facts...\n');
    await dataSource.transaction((manager) => rebuildRollups(manager));
    await runMaintenance(
      dataSource,
      [
        'statistics_result_fact',
        'statistics_score_rollup',
        'statistics_monthly_score_rollup',
        'statistics_group_rollup',
        'statistics_form_rollup',
        'statistics_item_rollup',
      ].map((table) => `ANALYZE ${table}`),
    );
    return { sittings: options.sittings, seconds: (Date.now() - started) / 1000 };
  } finally {
    await dataSource.destroy();
  }
}

/** The exam database, created and migrated as the service does. */
async function openStatisticsDatabase(url: string): Promise<DataSource> {
  await ensureDatabase(url);
  const dataSource = createDataSource({ url, entities, migrations, timeouts: LONG_JOB_DATABASE_TIMEOUTS });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

if (require.main === module) {
  generateHistory(parseGenerateHistoryOptions(process.argv.slice(2)))
    .then(({ sittings, seconds }) => {
      process.stdout.write(`${sittings} sittings written in ${seconds.toFixed(1)} s\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}

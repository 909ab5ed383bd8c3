/**
 * What the disclosure control costs, on a seeded database (default: the figures bench's
 * iso20000_statfig_exam, 1,000,000 sittings):
 *
 *   node -r @swc-node/register services/exam/src/statistics/bench/disclosure-cost-bench.ts \
 *     [--database-url postgres://postgres@127.0.0.1:5432/iso20000_statfig_exam] [--runs 11]
 *
 * - time: the pass rate by ATO by month of one exam (the largest grouped table, 29,090 groups),
 *   every group's published numbers computed with perturbation and, for comparison, the true
 *   numbers from the same sums (the control's CPU cost, apart from reading the cell keys);
 * - accuracy: published against true counts, pass rates and means over those groups, by group size;
 * - DIF: MH D-DIF from the perturbed strata against the exact strata for the figures' form.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { mantelHaenszel, type DifStratum } from '../domain/mantel-haenszel';
import { cellKeyOf, derivedKey, perturbedCell, perturbPart, perturbSum } from '../domain/perturbation';
import { statisticsEntities } from '../index';
import { queryGroupTable, type GroupTable } from '../queries/exam-statistics.query';
import { queryDifStrata } from '../queries/dif-strata.query';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function publishedNumbers(table: GroupTable, out: Float64Array): void {
  for (let i = 0; i < table.size; i++) {
    const cell = perturbedCell(table.sittings[i], table.cellKeys[i]);
    const passed = perturbPart(cell, table.passed![i], 'passed');
    const sum = perturbSum(table.percentageSum![i], derivedKey(cell.key, 'percentageSum'), 1000);
    out[4 * i] = cell.sittings;
    out[4 * i + 1] = passed;
    out[4 * i + 2] = cell.sittings ? passed / cell.sittings : 0;
    out[4 * i + 3] = cell.sittings ? sum / cell.sittings / 100 : 0;
  }
}

function trueNumbers(table: GroupTable, out: Float64Array): void {
  for (let i = 0; i < table.size; i++) {
    const n = table.sittings[i];
    out[4 * i] = n;
    out[4 * i + 1] = table.passed![i];
    out[4 * i + 2] = n ? table.passed![i] / n : 0;
    out[4 * i + 3] = n ? table.percentageSum![i] / n / 100 : 0;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const url = arg('--database-url', 'postgres://postgres@127.0.0.1:5432/iso20000_statfig_exam');
  const runs = Number(arg('--runs', '11'));
  const dataSource = new DataSource({ type: 'postgres', url, entities: [...statisticsEntities] });
  await dataSource.initialize();
  try {
    const table = await queryGroupTable(
      dataSource.manager,
      { exams: ['FOUNDATION'] },
      ['ATO', 'MONTH'],
      new Set(['passed', 'moments']),
    );
    const published = new Float64Array(4 * table.size);
    const truth = new Float64Array(4 * table.size);
    const perturbedTimes: number[] = [];
    const plainTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      let t = process.hrtime.bigint();
      publishedNumbers(table, published);
      perturbedTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      trueNumbers(table, truth);
      plainTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    process.stdout.write(
      `pass rate by ATO by month, FOUNDATION: ${table.size.toLocaleString('en')} groups\n` +
        `  every group's sittings, passes, pass rate, mean: perturbed ${median(perturbedTimes).toFixed(2)} ms, ` +
        `true ${median(plainTimes).toFixed(2)} ms (medians of ${runs}); a page of 1,000 costs 1/${Math.round(table.size / 1000)} of that\n`,
    );

    // accuracy over the published groups (true sittings >= 10), by size
    const bands: Array<[number, number]> = [
      [10, 20],
      [20, 50],
      [50, 100],
      [100, 1000],
      [1000, Infinity],
    ];
    process.stdout.write('  accuracy (published - true), published groups only:\n');
    process.stdout.write(
      '    sittings   groups  |count| mean  max  exact   |pass rate| mean  p95   |mean %| mean\n',
    );
    for (const [low, high] of bands) {
      const count: number[] = [];
      const rate: number[] = [];
      const meanPct: number[] = [];
      for (let i = 0; i < table.size; i++) {
        const n = truth[4 * i];
        if (n < low || n >= high) continue;
        count.push(Math.abs(published[4 * i] - n));
        rate.push(Math.abs(published[4 * i + 2] - truth[4 * i + 2]) * 100);
        meanPct.push(Math.abs(published[4 * i + 3] - truth[4 * i + 3]));
      }
      if (!count.length) continue;
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
      process.stdout.write(
        `    ${`${low}-${high === Infinity ? '' : high - 1}`.padEnd(10)} ${String(count.length).padStart(6)}  ${mean(count).toFixed(2).padStart(11)} ${String(Math.max(...count)).padStart(4)}  ${((100 * count.filter((x) => x === 0).length) / count.length).toFixed(0).padStart(4)}%  ` +
          `${mean(rate).toFixed(2).padStart(11)} pt ${p95(rate).toFixed(2).padStart(5)}   ${mean(meanPct).toFixed(3).padStart(8)} pt\n`,
      );
    }

    // DIF: perturbed against exact strata, the figures' form (the English form closest to 100,000 sittings)
    const [form] = await dataSource.query(
      `SELECT form_id, min(exam_code) AS exam FROM statistics_form_rollup WHERE language = 'en' GROUP BY form_id
       ORDER BY abs(sum(sittings) - 100000) LIMIT 1`,
    );
    const others: Array<{ form_id: string; language: string }> = await dataSource.query(
      `SELECT DISTINCT form_id, language FROM statistics_form_rollup WHERE exam_code = $1 AND form_id <> $2`,
      [form.exam, form.form_id],
    );
    const compare = async (
      label: string,
      formIds: string[],
      grouping: 'LANGUAGE' | 'COUNTRY',
      referenceKey: string,
    ) => {
      const rows = await queryDifStrata(dataSource.manager, formIds, grouping);
      const groups = [...new Set(rows.map((r) => r.group))].filter((g) => g !== referenceKey);
      const items = [...new Set(rows.map((r) => r.itemNumber))];
      let maxDelta = 0;
      let agree = 0;
      let total = 0;
      let exactC = 0;
      let noisyC = 0;
      for (const group of groups) {
        for (const item of items) {
          const strata = (perturb: boolean) => {
            const byScore = new Map<number, DifStratum>();
            for (const r of rows) {
              if (r.itemNumber !== item || (r.group !== referenceKey && r.group !== group)) continue;
              const cell = perturbedCell(r.sittings, cellKeyOf(r.keySum));
              const right = perturb ? perturbPart(cell, r.correct, `dif:item${item}`) : r.correct;
              const n = perturb ? cell.sittings : r.sittings;
              const s = byScore.get(r.totalScore) ?? {
                referenceRight: 0,
                referenceWrong: 0,
                focalRight: 0,
                focalWrong: 0,
              };
              if (r.group === referenceKey) {
                s.referenceRight = right;
                s.referenceWrong = n - right;
              } else {
                s.focalRight = right;
                s.focalWrong = n - right;
              }
              byScore.set(r.totalScore, s);
            }
            return [...byScore.values()];
          };
          const exact = mantelHaenszel(strata(false));
          const noisy = mantelHaenszel(strata(true));
          if (exact.delta === null || noisy.delta === null) continue;
          maxDelta = Math.max(maxDelta, Math.abs(exact.delta - noisy.delta));
          total++;
          if (exact.etsClass === noisy.etsClass) agree++;
          if (exact.etsClass === 'C') exactC++;
          if (noisy.etsClass === 'C') noisyC++;
        }
      }
      process.stdout.write(
        `DIF ${label}: ${groups.length} focal groups, ${total} question comparisons, max |D-DIF perturbed - exact| ${maxDelta.toFixed(3)}, ` +
          `ETS class the same in ${agree} of ${total}; class C: ${exactC} exact, ${noisyC} perturbed\n`,
      );
    };
    await compare(
      `of form ${form.form_id} (${form.exam} en) against its ${others.length} translations`,
      [form.form_id, ...others.map((o) => o.form_id)],
      'LANGUAGE',
      form.form_id,
    );
    await compare(`of the same form, GB against every other country`, [form.form_id], 'COUNTRY', 'GB');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

import type { DrillResult } from './drill';

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** The drill's findings as Markdown tables (they go into the report as they are). */
export function drillTable(result: DrillResult): string {
  const parts: string[] = [];
  parts.push(
    '### Effects per flow',
    table(
      ['flow', 'expected', 'delivered', 'duplicated', 'lost', 'note'],
      result.flows.map((f) => [f.flow, f.expected, f.delivered, f.duplicated, f.lost, f.note]),
    ),
  );
  parts.push(
    '### Faults (one at a time, recovery between)',
    table(
      ['fault', 'target', 'requests in window', 'failed', 'failing for (s)', 'recovered in (s)'],
      result.faults.map((f) => [f.fault, f.target, f.requests, f.failed, f.failingForS, f.recoveredInS]),
    ),
  );
  parts.push(
    '### Scheduled jobs (once per tick across replicas)',
    table(
      ['service', 'job', 'ticks', 'done', 'caught up', 'unfinished', 'retried', 'missing'],
      result.jobs.map((j) => [
        j.service,
        j.job,
        j.ticks,
        j.done,
        j.caughtUp,
        j.unfinished,
        j.retried,
        j.missing,
      ]),
    ),
  );
  parts.push(
    '### Across replicas',
    table(
      ['check', 'result'],
      [
        [
          'revoked RCB key fails everywhere after (s)',
          `${result.revocation.seconds ?? 'never'} (${result.revocation.note})`,
        ],
        [
          'rate limit: one client on both certificate replicas',
          `${result.rateLimit.allowed} of ${result.rateLimit.sent} allowed (budget ${result.rateLimit.burst}, at most ${result.rateLimit.budget} with what it regained; per replica it would be ${result.rateLimit.burst * result.rateLimit.replicas})`,
        ],
        [
          'idempotency: suspension sent twice with one key',
          `${result.idempotency.sentTwice} pairs, ${result.idempotency.replayed} replayed, ${result.idempotency.effects} suspensions recorded`,
        ],
        [
          'ordering: RCB suspended then reinstated at once',
          `${result.ordering.flips} flips; accreditation ${result.ordering.finalAccreditation}, registry ${result.ordering.finalRegistry}`,
        ],
        ['client requests', `${result.requests.total} sent, ${result.requests.failed} failed`],
        ['duration', `${result.durationS} s`],
      ],
    ),
  );
  parts.push(
    '### Client requests per operation',
    table(
      ['operation', 'sent', 'failed', 'failures'],
      result.operations.map((o) => [o.op, o.sent, o.failed, o.errors]),
    ),
  );
  parts.push(
    '### Processes',
    table(
      ['process', 'starts', 'died by itself', 'ready at the end'],
      result.processes.map((p) => [p.id, p.starts, p.unexpectedDeaths, p.ready ? 'yes' : 'NO']),
    ),
  );
  parts.push(
    result.problems.length
      ? `**Problems:**\n${result.problems.map((p) => `- ${p}`).join('\n')}`
      : '**No lost or duplicated effect.**',
  );
  return parts.join('\n\n');
}

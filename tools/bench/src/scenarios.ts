import { randomUUID } from 'node:crypto';
import type { SubgraphServiceName } from '@iso20000/topology';
import { postGraphQL, queryData } from './graphql-client';
import type { LoadAuth } from './load-spec';
import type { Log } from './log';
import type { BenchSystem } from './system';
import type { PersonClaims } from './tokens';

export type Suite = 'gateway' | 'statistics' | 'registry';
export const SUITES: Suite[] = ['gateway', 'statistics', 'registry'];
/** The gateways measured, each on the same supergraph and the same subgraph processes. */
export const GATEWAY_CONTENDERS = [
  'ours',
  'ours-planned',
  'ours-apollo',
  'before',
  'before-planned',
  'hive-rust',
  'hive',
  'grafbase',
] as const;
export type GatewayContender = (typeof GATEWAY_CONTENDERS)[number];
/** A gateway, or the subgraph queried directly (the floor), where the whole query fits one subgraph. */
export type Contender = GatewayContender | 'direct';
export const CONTENDERS: readonly Contender[] = [...GATEWAY_CONTENDERS, 'direct'];
/** Run by default: the JavaScript-planner Hive (beaten in earlier rounds) only when asked. */
export const DEFAULT_CONTENDERS: readonly Contender[] = [
  'ours',
  'ours-planned',
  'hive-rust',
  'grafbase',
  'direct',
];

/** One measurable workload: the same body sent to every contender that applies. */
export interface PreparedScenario {
  suite: Suite;
  name: string;
  body: string;
  auth: LoadAuth;
  connections: number;
  /** The subgraph that answers the whole query alone (contender 3), when there is one. */
  direct?: SubgraphServiceName;
  /** Only these contenders (default: every contender asked for, direct only when set). */
  contenders?: Contender[];
  /** The scenario writes into the registry: its rows are deleted after every timed run (registry-reset.ts). */
  writesRegistry?: boolean;
  /**
   * A fixed number of calls per timed run instead of a duration: a run that ends on a clock abandons
   * the calls in flight, which for a bulk import of seconds each is most of the SQL it counts.
   */
  amount?: number;
  /** One timed run, no warm-up (a bulk import of a whole volume). */
  singleRun?: boolean;
  /** Heavy queries: timed runs last at least this long, and warm-up is a few requests, not seconds
   * (abandoned requests would keep the server busy into the next contender's run). */
  minDurationSeconds?: number;
  warmupRequests?: number;
  /** Records written per request (bulk import), for records/s. */
  recordsPerRequest?: number;
  note?: string;
}

export interface ScenarioContext {
  bench: BenchSystem;
  log: Log;
  options: { bulkRecords: number };
}

export interface ScenarioDefinition {
  suite: Suite;
  name: string;
  /** Prepared variants, or why the scenario cannot run yet. */
  prepare(ctx: ScenarioContext): Promise<PreparedScenario[]>;
}

export class ScenarioUnavailable extends Error {}

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const jwt = (bench: BenchSystem, claims: PersonClaims): LoadAuth => ({
  kind: 'jwt',
  kid: bench.keys.kid,
  privateKeyPem: bench.keys.privateKeyPem,
  claims,
});
const STAFF: PersonClaims = { sub: 'bench-staff', role: 'scheme_staff', name: 'Bench Staff' };
const ANALYST: PersonClaims = { sub: 'bench-analyst', role: 'analyst', name: 'Bench Analyst' };

async function asStaff<T>(
  ctx: ScenarioContext,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  try {
    return await queryData<T>(ctx.bench.urls.gateway, query, variables, ctx.bench.bearer(STAFF));
  } catch (error) {
    throw new ScenarioUnavailable(error instanceof Error ? error.message : String(error));
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures found in (or created through) the running system.

async function someCertificateNumber(ctx: ScenarioContext): Promise<{ number: string; known: boolean }> {
  await candidateWithSittings(ctx).catch((error: unknown) =>
    ctx.log(`  (no candidate fixture: ${String(error)})`),
  );
  try {
    const data = await queryData<{ certificates: { edges: Array<{ node: { number: string } }> } }>(
      ctx.bench.urls.gateway,
      '{ certificates(first: 1) { edges { node { number } } } }',
      {},
      ctx.bench.bearer(STAFF),
    );
    const number = data.certificates.edges[0]?.node.number;
    if (number) return { number, known: true };
  } catch {
    // fall through: verification of an unknown number is still the public path
  }
  return { number: 'F26-7K3Q-M9PA', known: false };
}

const SEARCH_NAMES = ['service', 'global', 'systems', 'digital', 'tech'];

async function registrySample(ctx: ScenarioContext): Promise<{ name: string; certificateNumber: string }> {
  for (const name of SEARCH_NAMES) {
    const data = await queryData<{
      certifiedOrganizations: {
        edges: Array<{ node: { certifications: Array<{ certificateNumber: string }> } }>;
      };
    }>(
      ctx.bench.urls.gateway,
      'query S($name: String) { certifiedOrganizations(filter: { name: $name }, first: 20) { edges { node { certifications { certificateNumber } } } } }',
      { name },
    ).catch((error: unknown) => {
      throw new ScenarioUnavailable(
        `registry search failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    const found = data.certifiedOrganizations.edges.flatMap((edge) => edge.node.certifications);
    if (data.certifiedOrganizations.edges.length >= 10 && found[0])
      return { name, certificateNumber: found[0].certificateNumber };
  }
  throw new ScenarioUnavailable(
    'the registry holds too few public organizations: run npm run seed -- --organizations 60000 --certifications 100000 --rcbs 300',
  );
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function asPerson<T>(
  ctx: ScenarioContext,
  claims: PersonClaims,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  try {
    return await queryData<T>(ctx.bench.urls.gateway, query, variables, ctx.bench.bearer(claims));
  } catch (error) {
    throw new ScenarioUnavailable(error instanceof Error ? error.message : String(error));
  }
}

/**
 * A candidate who sat and passed Foundation (released on marking, so the certificate follows over
 * NATS) and is registered for Practitioner: made through the public API, as an exam office would.
 */
async function createBenchCandidate(ctx: ScenarioContext): Promise<string> {
  const candidateId = randomUUID();
  const candidate: PersonClaims = {
    sub: `bench-${candidateId}`,
    role: 'candidate',
    candidate_id: candidateId,
    name: 'Bench Candidate',
  };
  ctx.log('  creating a candidate with a released Foundation pass through the API');
  const schedule = (examCode: string, days: number) =>
    asStaff<{ scheduleExamSession: { id: string } }>(
      ctx,
      'mutation S($input: ScheduleExamSessionInput!) { scheduleExamSession(input: $input) { id } }',
      {
        input: {
          kind: 'PUBLIC',
          examCode,
          venue: 'Bench office, London',
          country: 'GB',
          region: 'UK',
          startsAt: inDays(days),
          languages: ['en'],
          capacity: 50,
        },
      },
    );
  const register = (sessionId: string) =>
    asPerson<{ registerForExam: { id: string } }>(
      ctx,
      candidate,
      'mutation R($input: RegisterForExamInput!) { registerForExam(input: $input) { id } }',
      { input: { sessionId, language: 'en' } },
    );
  const foundation = await schedule('FOUNDATION', 7);
  const sittingId = (await register(foundation.scheduleExamSession.id)).registerForExam.id;
  await asStaff(
    ctx,
    'mutation A($id: ID!) { recordSittingAttendance(input: { sittingId: $id, present: true }) { state } }',
    { id: sittingId },
  );
  const forms = await asStaff<{
    examForms: { edges: Array<{ node: { answerKey: { answers: string[] } } }> };
  }>(ctx, '{ examForms(examCode: FOUNDATION, language: "en") { edges { node { answerKey { answers } } } } }');
  const key = forms.examForms.edges[0]?.node.answerKey.answers ?? [];
  await asStaff(ctx, 'mutation M($input: MarkSittingInput!) { markSitting(input: $input) { state } }', {
    input: { sittingId, answers: key.map((answer, index) => (index < 31 ? answer : null)) },
  });
  // The certificate is issued from the release event; then Practitioner's prerequisite is met.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const me = await asPerson<{ me: { certificates: { edges: Array<{ node: { status: string } }> } } }>(
      ctx,
      candidate,
      '{ me { certificates(first: 5) { edges { node { status } } } } }',
    );
    if (me.me.certificates.edges.some((edge) => edge.node.status === 'ISSUED')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const practitioner = await schedule('PRACTITIONER', 30);
  await register(practitioner.scheduleExamSession.id).catch((error: unknown) =>
    ctx.log(`  (Practitioner registration: ${String(error)})`),
  );
  return candidateId;
}

let benchCandidate: Promise<string> | undefined;
async function candidateWithSittings(ctx: ScenarioContext): Promise<string> {
  const data = await asStaff<{ sittings: { edges: Array<{ node: { candidate: { id: string } } }> } }>(
    ctx,
    '{ sittings(filter: { state: RELEASED }, first: 1) { edges { node { candidate { id } } } } }',
  );
  const id = data.sittings.edges[0]?.node.candidate.id;
  if (id) return id;
  benchCandidate ??= createBenchCandidate(ctx);
  benchCandidate.catch(() => (benchCandidate = undefined));
  return benchCandidate;
}

interface BenchRcb {
  id: string;
  authorization: string;
}
const BENCH_RCB_NAME = 'Bench Certification Ltd';

let benchRcbPromise: Promise<BenchRcb> | undefined;
/**
 * An appointed RCB of the bench's own (kept between runs), with a fresh integration API key, known
 * to the registry. Created through accreditation's API, so every subgraph knows it.
 */
function benchRcb(ctx: ScenarioContext): Promise<BenchRcb> {
  benchRcbPromise ??= (async () => {
    const existing = await asStaff<{ rcbs: { edges: Array<{ node: { id: string; name: string } }> } }>(
      ctx,
      'query R($search: String) { rcbs(filter: { status: [APPOINTED], search: $search }, first: 20) { edges { node { id name } } } }',
      { search: BENCH_RCB_NAME },
    );
    let rcbId = existing.rcbs.edges.find((edge) => edge.node.name === BENCH_RCB_NAME)?.node.id;
    if (!rcbId) {
      ctx.log(`  creating the bench's RCB (${BENCH_RCB_NAME}) through accreditation's API`);
      const applied = await asStaff<{ applyForRcbAppointment: { id: string } }>(
        ctx,
        `mutation Apply($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
        {
          input: {
            name: BENCH_RCB_NAME,
            country: 'GB',
            companyDetails: { legalName: BENCH_RCB_NAME, address: ['1 Bench Street', 'London'] },
            contacts: [{ name: 'Bench Contact', email: 'bench@example.org' }],
            nationalAccreditationBody: 'UKAS',
            accreditationReference: 'UKAS-BENCH',
            countriesServed: ['GB'],
          },
        },
      );
      rcbId = applied.applyForRcbAppointment.id;
      await asStaff(ctx, 'mutation B($id: ID!) { beginRcbAssessment(rcbId: $id) { id } }', { id: rcbId });
      await asStaff(
        ctx,
        'mutation D($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "bench") { id } }',
        { id: rcbId },
      );
    }
    const issued = await asStaff<{ createRcbCredential: { apiKey: string } }>(
      ctx,
      'mutation K($id: ID!) { createRcbCredential(rcbId: $id, label: "bench") { apiKey } }',
      { id: rcbId },
    );
    const authorization = `ApiKey ${issued.createRcbCredential.apiKey}`;
    // The credential and the appointment reach the gateway and the registry over NATS within seconds.
    const deadline = Date.now() + 30_000;
    let last = '';
    const tag = Date.now().toString(36);
    while (Date.now() < deadline) {
      const answer = await postGraphQL<{
        upsertCertifications: { rejected: number; records: Array<{ reasons: string[] }> };
      }>(
        ctx.bench.urls.gateway,
        'mutation I($input: [UpsertCertificationInput!]!) { upsertCertifications(input: $input, dryRun: true) { rejected records { reasons } } }',
        { input: bulkRecords(`probe-${tag}`, 1) },
        authorization,
      );
      const result = answer.data?.upsertCertifications;
      if (result && result.rejected === 0) return { id: rcbId, authorization };
      last = answer.errors?.[0]?.message ?? result?.records[0]?.reasons.join('; ') ?? `HTTP ${answer.status}`;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new ScenarioUnavailable(
      `the bench RCB's API key was not accepted by the registry within 30 s: ${last}`,
    );
  })();
  benchRcbPromise.catch(() => (benchRcbPromise = undefined));
  return benchRcbPromise;
}

/**
 * Public organizations certified by the bench's RCB, imported through its API key when there are
 * too few. (The seeded registry's RCBs are not known to accreditation yet, so their names cannot
 * resolve across subgraphs.)
 */
async function benchRcbOrganizations(ctx: ScenarioContext, wanted: number): Promise<BenchRcb> {
  const rcb = await benchRcb(ctx);
  const page = await queryData<{ certifiedOrganizations: { edges: unknown[] } }>(
    ctx.bench.urls.gateway,
    'query P($rcbId: ID) { certifiedOrganizations(filter: { rcbId: $rcbId }, first: 100) { edges { cursor } } }',
    { rcbId: rcb.id },
  );
  if (page.certifiedOrganizations.edges.length < wanted) {
    ctx.log(`  importing 2,000 certifications for the bench RCB`);
    for (let call = 0; call < 2; call += 1)
      await queryData(
        ctx.bench.urls.gateway,
        BULK_IMPORT,
        { input: bulkRecords(`seed-${Date.now().toString(36)}-${call}`, 1000) },
        rcb.authorization,
      );
  }
  return rcb;
}

const COUNTRIES = ['GB', 'DE', 'FR', 'NL', 'JP', 'BR', 'ES', 'CN'];
/** Records of one bulk call; `$SEQ` in the numbers makes each call's records new. */
function bulkRecords(tag: string, count: number) {
  return Array.from({ length: count }, (_, index) => {
    const country = COUNTRIES[index % COUNTRIES.length];
    return {
      certificateNumber: `BENCH-${tag}-${index}`,
      organization: {
        legalName: `Bench Service Organization ${tag} ${index}`,
        country,
        address: {
          lines: [`${index} Service Street`],
          city: 'Capital',
          postalCode: `${10000 + index}`,
          country,
        },
        publicListing: index % 5 !== 0,
      },
      scope: 'Service management system supporting the delivery of IT services to external customers',
      sites: [],
      cycleStart: '2025-03-01',
      status: 'CERTIFIED',
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The suites.

const VERIFY_CERTIFICATE = `query VerifyCertificate($number: String!) {
  verifyCertificate(number: $number) { status number message holderName examCode examTitle issuedOn revokedOn }
}`;

const REGISTRY_PAGE_WITH_RCBS = `query RegistrySearch($filter: CertifiedOrganizationFilter, $first: Int) {
  certifiedOrganizations(filter: $filter, first: $first) {
    edges { node { id legalName country certifications { certificateNumber status expiry rcb { id name country } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const CANDIDATE_DASHBOARD = `query CandidateDashboard {
  me {
    id name
    sittings(first: 20) {
      edges { node {
        id state satOn language
        exam { code name }
        ato { name }
        result { score maxScore percentage passed }
        certificate { number status issuedOn }
      } }
    }
    certificates(first: 10) { edges { node { number status examTitle issuedOn } } }
  }
}`;

const BULK_IMPORT = `mutation BulkImport($input: [UpsertCertificationInput!]!) {
  upsertCertifications(input: $input) { created updated unchanged rejected }
}`;

function bulkImportBody(records: number): string {
  return body(BULK_IMPORT, { input: bulkRecords('$SEQ', records) });
}

const VERIFY_ORGANIZATION = `query VerifyOrganization($number: String!) {
  verifyOrganizationCertification(certificateNumber: $number) {
    certificateNumber valid status organizationName country rcbName standard scope cycleStart expiry
  }
}`;

const REGISTRY_SEARCH = `query RegistrySearch($filter: CertifiedOrganizationFilter, $first: Int) {
  certifiedOrganizations(filter: $filter, first: $first) {
    edges { node { id legalName country certifications { certificateNumber status rcbName expiry } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const SCENARIOS: ScenarioDefinition[] = [
  {
    suite: 'gateway',
    name: 'certificate verification (public)',
    async prepare(ctx) {
      const { number, known } = await someCertificateNumber(ctx);
      return [
        {
          suite: 'gateway',
          name: 'certificate verification (public)',
          body: body(VERIFY_CERTIFICATE, { number }),
          auth: { kind: 'none' },
          connections: 32,
          direct: 'certificate',
          note: known ? undefined : 'no certificate issued yet: verifies an unknown number',
        },
      ];
    },
  },
  {
    suite: 'gateway',
    name: 'registry search, 20 with RCB names',
    async prepare(ctx) {
      const rcb = await benchRcbOrganizations(ctx, 100);
      const page = (first: number): PreparedScenario => ({
        suite: 'gateway',
        name: `registry search, ${first} with RCB names`,
        body: body(REGISTRY_PAGE_WITH_RCBS, {
          filter: { rcbId: rcb.id, name: 'service organization' },
          first,
        }),
        auth: { kind: 'none' },
        connections: 32,
      });
      // The page of 100 runs on ours only (both paths): it shows whether SQL per request grows with page size.
      return [
        page(20),
        { ...page(100), contenders: ['ours', 'ours-planned', 'ours-apollo', 'before', 'before-planned'] },
      ];
    },
  },
  {
    suite: 'gateway',
    name: "candidate's dashboard (3 subgraphs)",
    async prepare(ctx) {
      const candidateId = await candidateWithSittings(ctx);
      return [
        {
          suite: 'gateway',
          name: "candidate's dashboard (3 subgraphs)",
          body: body(CANDIDATE_DASHBOARD),
          auth: jwt(ctx.bench, { sub: `bench-${candidateId}`, role: 'candidate', candidate_id: candidateId }),
          connections: 32,
        },
      ];
    },
  },
  {
    suite: 'gateway',
    name: 'RCB bulk import, 1,000 records',
    async prepare(ctx) {
      const { authorization } = await benchRcb(ctx);
      return [
        {
          suite: 'gateway',
          name: 'RCB bulk import, 1,000 records',
          body: bulkImportBody(1000),
          auth: { kind: 'fixed', authorization },
          connections: 2,
          amount: 12,
          warmupRequests: 4,
          direct: 'registry',
          recordsPerRequest: 1000,
          writesRegistry: true,
        },
      ];
    },
  },
  // Exam statistics for analysts, over a seeded history (npm run seed -- --sittings 1000000).
  {
    suite: 'statistics',
    name: 'pass rate by ATO by month, one exam',
    async prepare(ctx) {
      await requireHistory(ctx);
      // The page size as a variable, as a paging client sends it (a literal first: 1000 is refused
      // by the gateway's cost limit, which multiplies by literal page sizes only).
      const query = `query PassRateByAtoByMonth($first: Int) {
        examStatistics(filter: { exams: [FOUNDATION] }, groupBy: [ATO, MONTH]) {
          total { sittings passRate }
          groups(first: $first) { totalCount edges { node { key { atoId month } suppressed sittings passed passRate } } }
        }
      }`;
      return [
        {
          ...statisticsScenario(ctx, 'pass rate by ATO by month, one exam (page of 1,000 groups)', query),
          body: body(query, { first: 1000 }),
        },
      ];
    },
  },
  {
    suite: 'statistics',
    name: 'whole-history score distribution',
    async prepare(ctx) {
      await requireHistory(ctx);
      const query = `query WholeHistory {
        examStatistics(groupBy: [EXAM]) {
          total { sittings passRate meanPercentage medianPercentage stdDevPercentage distribution { fromPercentage toPercentage sittings } }
          groups(first: 10) { edges { node { key { exam } sittings passRate distribution { fromPercentage sittings } } } }
        }
      }`;
      return [statisticsScenario(ctx, 'whole-history score distribution', query)];
    },
  },
  {
    suite: 'statistics',
    name: 'item analysis of one form (~100,000 sittings)',
    async prepare(ctx) {
      await requireHistory(ctx);
      const forms = await queryData<{
        examStatistics: {
          groups: { edges: Array<{ node: { key: { formId: string | null }; sittings: number | null } }> };
        };
      }>(
        ctx.bench.urls.gateway,
        'query Forms($first: Int) { examStatistics(groupBy: [FORM]) { groups(first: $first) { edges { node { key { formId } sittings } } } } }',
        { first: 1000 },
        ctx.bench.bearer(ANALYST),
      );
      const candidates = forms.examStatistics.groups.edges
        .map((edge) => edge.node)
        .filter(
          (node): node is { key: { formId: string }; sittings: number } =>
            !!node.key.formId && !!node.sittings,
        );
      if (!candidates.length) throw new ScenarioUnavailable('no form has released sittings');
      const form = candidates.reduce((best, node) =>
        Math.abs(node.sittings - 100_000) < Math.abs(best.sittings - 100_000) ? node : best,
      );
      const query = `query ItemAnalysis($formId: ID!) {
        itemAnalysis(formId: $formId) {
          formId exam suppressed
          form { sittings itemCount meanScore stdDevScore reliability reliabilityMethod standardErrorOfMeasurement }
          items { itemNumber maxMarks responses pValue discrimination flags options { option share } }
        }
      }`;
      return [
        {
          ...statisticsScenario(
            ctx,
            `item analysis of one form (${form.sittings.toLocaleString('en')} sittings)`,
            query,
          ),
          body: body(query, { formId: form.key.formId }),
        },
      ];
    },
  },
  // The registry's public verification and search, and the RCB bulk API.
  ...[4, 32].flatMap((connections): ScenarioDefinition[] => [
    {
      suite: 'registry',
      name: `public verification, ${connections} clients`,
      async prepare(ctx) {
        const { certificateNumber } = await registrySample(ctx);
        return [
          {
            suite: 'registry',
            name: `public verification, ${connections} clients`,
            body: body(VERIFY_ORGANIZATION, { number: certificateNumber }),
            auth: { kind: 'none' },
            connections,
            direct: 'registry',
          },
        ];
      },
    },
    {
      suite: 'registry',
      name: `public search, ${connections} clients`,
      async prepare(ctx) {
        const { name } = await registrySample(ctx);
        const page = (first: number): PreparedScenario => ({
          suite: 'registry',
          name: `public search, page of ${first}, ${connections} clients`,
          body: body(REGISTRY_SEARCH, { filter: { name }, first }),
          auth: { kind: 'none' },
          connections,
          direct: 'registry',
        });
        // Pages of 20 and 100 at 4 clients: SQL per request must not grow with the page.
        return connections === 4 ? [page(20), page(100)] : [page(20)];
      },
    },
  ]),
  {
    suite: 'registry',
    name: 'bulk import through the gateway',
    async prepare(ctx) {
      const { authorization } = await benchRcb(ctx);
      const calls = Math.max(1, Math.round(ctx.options.bulkRecords / 1000));
      return [
        {
          suite: 'registry',
          name: `bulk import of ${(calls * 1000).toLocaleString('en')} records, calls of 1,000`,
          body: bulkImportBody(1000),
          auth: { kind: 'fixed', authorization },
          connections: 1,
          amount: calls,
          singleRun: true,
          recordsPerRequest: 1000,
          contenders: ['ours', 'ours-planned', 'ours-apollo', 'before', 'before-planned'],
          writesRegistry: true,
        },
      ];
    },
  },
];

function statisticsScenario(ctx: ScenarioContext, name: string, query: string): PreparedScenario {
  return {
    suite: 'statistics',
    name,
    body: body(query),
    auth: jwt(ctx.bench, ANALYST),
    // Analysts are few, their queries heavy: a handful at once.
    connections: 4,
    direct: 'exam',
    minDurationSeconds: 15,
    warmupRequests: 4,
  };
}

let historySize: Promise<number> | undefined;
async function requireHistory(ctx: ScenarioContext): Promise<void> {
  historySize ??= queryData<{ examStatistics: { total: { sittings: number | null } } }>(
    ctx.bench.urls.gateway,
    '{ examStatistics { total { sittings } } }',
    {},
    ctx.bench.bearer(ANALYST),
  ).then(
    (data) => data.examStatistics.total.sittings ?? 0,
    (error: unknown) => {
      historySize = undefined;
      throw new ScenarioUnavailable(
        `exam statistics query failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  );
  const sittings = await historySize;
  if (sittings === 0)
    throw new ScenarioUnavailable(
      'no released sittings in the statistics: run npm run seed -- --sittings 1000000',
    );
  if (sittings < 1_000_000)
    ctx.log(
      `  note: the statistics hold ${sittings.toLocaleString('en')} sittings; the issue's volume is 1,000,000 (npm run seed -- --sittings 1000000)`,
    );
}

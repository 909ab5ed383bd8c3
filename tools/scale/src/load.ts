import { randomUUID } from 'node:crypto';

/** One client request of the drill's load, as the client saw it. */
export interface RequestRecord {
  op: string;
  startedAt: number;
  endedAt: number;
  ok: boolean;
  error?: string;
  message?: string;
}

export interface GraphQLAnswer<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * The drill's client: every request recorded with its outcome. A request fails when it gets no answer
 * within the timeout, an HTTP error, or a GraphQL error other than the ones the caller expects.
 */
export class LoadClient {
  readonly records: RequestRecord[] = [];

  constructor(
    readonly url: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async request<T>(
    op: string,
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLAnswer<T>> {
    const startedAt = Date.now();
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await response.json().catch(() => ({}))) as Omit<GraphQLAnswer<T>, 'status'>;
      const answer = { status: response.status, ...body };
      const ok = response.ok && !answer.errors?.length;
      this.records.push({
        op,
        startedAt,
        endedAt: Date.now(),
        ok,
        ...(ok
          ? {}
          : {
              error: answer.errors?.[0]?.extensions?.code ?? `HTTP ${response.status}`,
              message: answer.errors?.[0]?.message?.slice(0, 160),
            }),
      });
      return answer;
    } catch (error) {
      this.records.push({
        op,
        startedAt,
        endedAt: Date.now(),
        ok: false,
        error: error instanceof Error ? error.name : String(error),
      });
      return { status: 0, errors: [{ message: String(error) }] };
    }
  }

  /** The data, or null when the request failed (already recorded). */
  async data<T>(
    op: string,
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<T | null> {
    const answer = await this.request<T>(op, query, variables, headers);
    return answer.errors?.length || !answer.data ? null : answer.data;
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const apiKey = (key: string) => ({ authorization: `ApiKey ${key}` });
/** A client of its own for each public lookup: the load is many visitors, not one over budget. */
export const anotherVisitor = () => {
  const n = randomUUID().replace(/-/g, '');
  return {
    'x-forwarded-for': `10.${parseInt(n.slice(0, 2), 16)}.${parseInt(n.slice(2, 4), 16)}.${parseInt(n.slice(4, 6), 16)}`,
  };
};

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
export const today = (days = 0) => inDays(days).slice(0, 10);

export const Q = {
  schedule: `mutation($input: ScheduleExamSessionInput!) { scheduleExamSession(input: $input) { id } }`,
  register: `mutation($input: RegisterForExamInput!) { registerForExam(input: $input) { id } }`,
  attend: `mutation($id: ID!) { recordSittingAttendance(input: { sittingId: $id, present: true }) { state } }`,
  forms: `{ examForms(examCode: FOUNDATION, language: "en") { edges { node { answerKey { answers } } } } }`,
  mark: `mutation($input: MarkSittingInput!) { markSitting(input: $input) { state } }`,
  upsert: `mutation($input: [UpsertCertificationInput!]!) { upsertCertifications(input: $input) {
    created updated unchanged rejected records { certificateNumber outcome certification { id version } } } }`,
  suspend: `mutation($id: ID!, $v: Int!, $key: String!) { suspendCertification(id: $id, expectedVersion: $v,
    reason: "scale drill: surveillance audit missed", idempotencyKey: $key) { replayed certification { id status } } }`,
  verifyOrganization: `query($n: String!, $rcb: ID) { verifyOrganizationCertification(certificateNumber: $n, rcbId: $rcb) { valid status } }`,
  statistics: `{ examStatistics(groupBy: [EXAM]) { groups(first: 10) { edges { node { sittings } } } } }`,
  suspendRcb: `mutation($id: ID!) { suspendRcb(rcbId: $id, reason: "scale drill: audit findings") { status } }`,
  reinstateRcb: `mutation($id: ID!) { reinstateRcb(rcbId: $id, reason: "scale drill: findings closed") { status } }`,
};

export function certificationRecord(number: string) {
  return {
    certificateNumber: number,
    organization: {
      legalName: `Scale Drill Services ${number} Ltd`,
      otherNames: [],
      country: 'GB',
      address: { lines: ['1 Service Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
      publicListing: true,
    },
    scope: 'The provision of managed IT services',
    sites: [],
    cycleStart: today(-10),
  };
}

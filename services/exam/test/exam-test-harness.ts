import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import { loadConfig } from '@iso20000/service-kit';
import { startServiceHarness, type OperationResult, type ServiceHarness } from '@iso20000/testing';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { examServiceConfig } from '../src/config';
import { buildService, type ExamService } from '../src/server';

export const SECRET = 'exam-test-secret-exam-test-secret-0123456789';

export interface ExamHarness extends ServiceHarness<ExamService> {
  run<T = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<OperationResult<T>>;
  /** Like run, but fails the test on any GraphQL error. */
  ok<T = Record<string, unknown>>(
    viewer: Viewer,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<T>;
  /** Records an ATO's accreditation status as the accreditation consumer would. */
  setAtoStatus(atoId: string, status: string): Promise<void>;
}

/** A fresh exam database, a private events namespace and the subgraph built as main.ts builds it. */
export async function startExamHarness(options: { startBackground?: boolean } = {}): Promise<ExamHarness> {
  const background = options.startBackground === true;
  const h = await startServiceHarness<ServiceContext, ExamService>({
    service: 'exam',
    entities,
    migrations,
    start: background,
    build: ({ env, ...deps }) =>
      buildService({
        ...deps,
        config: loadConfig(examServiceConfig, { ...env, AUTH_DEV_SECRET: SECRET }),
        authenticator: { authenticate: async () => ({ role: 'public', subject: null }) },
      }),
  });
  return {
    ...h,
    run: (viewer, query, variables) => h.as(viewer, query, variables),
    ok: async <T>(viewer: Viewer, query: string, variables?: Record<string, unknown>) => {
      const result = await h.as<T>(viewer, query, variables);
      if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    setAtoStatus: async (atoId, status) => {
      await h.db.dataSource.query(
        `INSERT INTO "ato_statuses" ("ato_id", "name", "country", "status", "changed_at") VALUES ($1, 'Test ATO', 'GB', $2, now())
         ON CONFLICT ("ato_id") DO UPDATE SET "status" = EXCLUDED."status", "changed_at" = now()`,
        [atoId, status],
      );
    },
  };
}

export const staff: Viewer = { role: 'scheme_staff', subject: 'staff-ines' };
export const analyst: Viewer = { role: 'analyst', subject: 'analyst-otto' };
export const publicViewer: Viewer = { role: 'public', subject: null };
export function candidate(name = 'Ada Candidate'): Viewer {
  return { role: 'candidate', subject: `cand-${randomUUID().slice(0, 8)}`, candidateId: randomUUID(), name };
}
export function atoStaff(atoId: string): Viewer {
  return { role: 'ato_staff', subject: `ato-${atoId.slice(0, 8)}`, atoId };
}

/** A future instant, `days` from now. */
export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

export const SCHEDULE = /* GraphQL */ `
  mutation Schedule($input: ScheduleExamSessionInput!) {
    scheduleExamSession(input: $input) {
      id
      kind
      venue
      languages
      capacity
      seatsTaken
      price {
        currency
        amountMinor
        amount
      }
      ato {
        id
      }
      exam {
        code
      }
    }
  }
`;
export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterForExamInput!) {
    registerForExam(input: $input) {
      id
      state
      route
      language
      prerequisite {
        status
      }
      ato {
        id
      }
      price {
        currency
        amount
      }
      candidate {
        id
        name
      }
    }
  }
`;
export const ATTEND = /* GraphQL */ `
  mutation Attend($input: RecordSittingAttendanceInput!) {
    recordSittingAttendance(input: $input) {
      id
      state
    }
  }
`;
export const MARK = /* GraphQL */ `
  mutation Mark($input: MarkSittingInput!) {
    markSitting(input: $input) {
      id
      state
      result {
        score
        maxScore
        percentage
        passed
        trainerEligible
        releasedTo
        releasedAt
      }
    }
  }
`;
export const SITTING = /* GraphQL */ `
  query Sitting($id: ID!) {
    sitting(id: $id) {
      id
      state
      voidReason
      result {
        score
        maxScore
        percentage
        passed
        trainerEligible
        releasedTo
      }
      history {
        fromState
        toState
        actorRole
        actorSubject
        reason
        occurredAt
      }
    }
  }
`;

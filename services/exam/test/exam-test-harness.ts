import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import { loadConfig } from '@iso20000/service-kit';
import { startServiceHarness, viewers, type ServiceHarness } from '@iso20000/testing';
import { examServiceConfig } from '../src/config';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { buildService, type ExamService } from '../src/server';

export interface ExamHarness extends ServiceHarness<ExamService> {
  /** Records an ATO's accreditation status as the accreditation consumer would. */
  setAtoStatus(atoId: string, status: string): Promise<void>;
}

/** A fresh exam database, a private events namespace and the subgraph built as main.ts builds it. */
export async function startExamHarness(options: { startBackground?: boolean } = {}): Promise<ExamHarness> {
  const h = await startServiceHarness<ServiceContext, ExamService>({
    service: 'exam',
    entities,
    migrations,
    start: options.startBackground === true,
    build: ({ env, ...deps }) =>
      buildService({
        ...deps,
        config: loadConfig(examServiceConfig, env),
        authenticator: { authenticate: async () => viewers.public },
        // Without the consumers, setAtoStatus below writes the copy itself: current by construction.
        ...(options.startBackground === true
          ? {}
          : { atoStatusCopy: { assertCurrent: async () => undefined } }),
      }),
  });
  return {
    ...h,
    setAtoStatus: async (atoId, status) => {
      await h.db.dataSource.query(
        `INSERT INTO "ato_statuses" ("ato_id", "name", "country", "status", "changed_at") VALUES ($1, 'Test ATO', 'GB', $2, now())
         ON CONFLICT ("ato_id") DO UPDATE SET "status" = EXCLUDED."status", "changed_at" = now()`,
        [atoId, status],
      );
    },
  };
}

export const staff: Viewer = viewers.schemeStaff('staff-ines');
export const analyst: Viewer = viewers.analyst('analyst-otto');
export const publicViewer: Viewer = viewers.public;
/** A new candidate each call (their own id), named as the sign-in would carry it. */
export const candidate = (name = 'Ada Candidate'): Viewer => viewers.candidate(randomUUID(), name);
export const atoStaff = (atoId: string): Viewer => viewers.atoStaff(atoId);

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

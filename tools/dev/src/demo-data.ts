import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './infrastructure';
import type { RunningSystem } from './launcher';

export interface DemoData {
  atoId: string;
  rcbId: string;
  /** Kept in .data/ (never committed): the key is shown only once by the API. */
  rcbApiKey: string;
  publicSessionId?: string;
}

const ATO_NAME = 'Demo Training Academy';
const RCB_NAME = 'Demo Certification Body';
const keyFile = join(workspaceRoot, '.data', 'demo-rcb-api-key');

/**
 * A newcomer's starting point, made through the public API as scheme staff (so it goes through every
 * rule and event like real data): an accredited ATO, an appointed RCB with an API key, and a public
 * Foundation session. Idempotent: what exists is found, not made again.
 */
export async function ensureDemoData(
  system: RunningSystem,
  staffToken: string,
  say: (message: string) => void,
): Promise<DemoData> {
  const call = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const result = await system.query<T>(query, variables, staffToken);
    if (result.errors?.length)
      throw new Error(`demo data: ${result.errors.map((e) => e.message).join('; ')}`);
    return result.data as T;
  };

  const existingAto = await call<{ atos: { edges: Array<{ node: { id: string } }> } }>(
    `query($search: String) { atos(filter: { search: $search }, first: 1) { edges { node { id } } } }`,
    { search: ATO_NAME },
  );
  let atoId = existingAto.atos.edges[0]?.node.id;
  if (!atoId) {
    say(`creating demo data: ATO "${ATO_NAME}" (accredited)`);
    const applied = await call<{ applyForAtoAccreditation: { id: string } }>(
      `mutation($input: AtoApplicationInput!) { applyForAtoAccreditation(input: $input) { id } }`,
      {
        input: {
          name: ATO_NAME,
          country: 'GB',
          companyDetails: { legalName: `${ATO_NAME} Ltd`, address: ['1 Service Lane', 'London', 'EC1A 1AA'] },
          contacts: [{ name: 'Dana Demo', email: 'dana@academy.example' }],
          examLevels: ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'],
          languages: ['en'],
          deliveryModes: ['CLASSROOM', 'VIRTUAL'],
        },
      },
    );
    atoId = applied.applyForAtoAccreditation.id;
    await call(`mutation($id: ID!) { beginAtoAssessment(atoId: $id, notes: "demo") { id } }`, { id: atoId });
    await call(
      `mutation($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "demo data") { id } }`,
      { id: atoId },
    );
  }

  const existingRcb = await call<{ rcbs: { edges: Array<{ node: { id: string } }> } }>(
    `query($search: String) { rcbs(filter: { search: $search }, first: 1) { edges { node { id } } } }`,
    { search: RCB_NAME },
  );
  let rcbId = existingRcb.rcbs.edges[0]?.node.id;
  let rcbApiKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '';
  if (!rcbId) {
    say(`creating demo data: RCB "${RCB_NAME}" (appointed)`);
    const applied = await call<{ applyForRcbAppointment: { id: string } }>(
      `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
      {
        input: {
          name: RCB_NAME,
          country: 'GB',
          companyDetails: { legalName: `${RCB_NAME} Ltd`, address: ['2 Audit Row', 'Manchester', 'M1 1AA'] },
          contacts: [{ name: 'Rui Registrar', email: 'rui@rcb.example' }],
          nationalAccreditationBody: 'UKAS',
          accreditationReference: 'UKAS-DEMO-0001',
          countriesServed: ['GB', 'IE'],
        },
      },
    );
    rcbId = applied.applyForRcbAppointment.id;
    await call(`mutation($id: ID!) { beginRcbAssessment(rcbId: $id, notes: "demo") { id } }`, { id: rcbId });
    await call(
      `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "demo data") { id } }`,
      { id: rcbId },
    );
    rcbApiKey = '';
  }
  if (!rcbApiKey) {
    const issued = await call<{ createRcbCredential: { apiKey: string } }>(
      `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "npm start demo") { apiKey } }`,
      { id: rcbId },
    );
    rcbApiKey = issued.createRcbCredential.apiKey;
    mkdirSync(join(workspaceRoot, '.data'), { recursive: true });
    writeFileSync(keyFile, rcbApiKey, { mode: 0o600 });
  }

  const sessions = await call<{ examSessions: { edges: Array<{ node: { id: string } }> } }>(
    `{ examSessions(filter: { kind: PUBLIC }, first: 1) { edges { node { id } } } }`,
  ).catch(() => ({ examSessions: { edges: [] } }));
  let publicSessionId = sessions.examSessions.edges[0]?.node.id;
  if (!publicSessionId) {
    say('creating demo data: a public Foundation session in London in 30 days');
    const scheduled = await call<{ scheduleExamSession: { id: string } }>(
      `mutation($input: ScheduleExamSessionInput!) { scheduleExamSession(input: $input) { id } }`,
      {
        input: {
          kind: 'PUBLIC',
          examCode: 'FOUNDATION',
          venue: 'Scheme office, London',
          country: 'GB',
          region: 'UK',
          startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
          languages: ['en'],
          capacity: 30,
        },
      },
    );
    publicSessionId = scheduled.scheduleExamSession.id;
  }
  return { atoId, rcbId, rcbApiKey, publicSessionId };
}

import { randomUUID } from 'node:crypto';
import { PUBLIC_VIEWER, type Viewer } from '@iso20000/auth';
import { loadConfig } from '@iso20000/service-kit';
import { startServiceHarness, type ServiceHarness } from '@iso20000/testing';
import type { ServiceContext } from '../src/context';
import { entities, migrations } from '../src/data-source';
import { accreditationServiceConfig } from '../src/config';
import { buildService, type AccreditationService } from '../src/server';

export { eventually } from '@iso20000/testing';

/** One test file's accreditation service: its own database and events namespace, real PostgreSQL and NATS. */
export type Harness = ServiceHarness<AccreditationService>;

export const schemeStaff: Viewer = { role: 'scheme_staff', subject: 'staff-1', name: 'Sam Scheme' };
export const publicViewer: Viewer = PUBLIC_VIEWER;
export const atoStaff = (atoId: string): Viewer => ({
  role: 'ato_staff',
  subject: `ato-staff-${atoId.slice(0, 8)}`,
  atoId,
});
export const rcbIntegration = (rcbId: string): Viewer => ({
  role: 'rcb_integration',
  subject: `credential:${rcbId}`,
  rcbId,
  credentialId: randomUUID(),
});
export const candidate = (candidateId: string): Viewer => ({
  role: 'candidate',
  subject: `candidate-${candidateId}`,
  candidateId,
});

export function startHarness(): Promise<Harness> {
  return startServiceHarness<ServiceContext, AccreditationService>({
    service: 'accreditation',
    entities,
    migrations,
    build: async ({ env, ...deps }) =>
      buildService({ ...deps, config: loadConfig(accreditationServiceConfig, env) }),
  });
}

export const APPLY_ATO = `
  mutation Apply($input: AtoApplicationInput!) {
    applyForAtoAccreditation(input: $input) { id name status }
  }`;

export function atoApplication(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Service Excellence Training',
    country: 'GB',
    companyDetails: {
      legalName: 'Service Excellence Ltd',
      registrationNumber: '01234567',
      address: ['1 High Street', 'Leeds'],
      website: 'https://se.example',
    },
    contacts: [{ name: 'Ann Lee', email: 'ann@se.example', phone: '+44 113 000', role: 'Director' }],
    examLevels: ['FOUNDATION', 'PRACTITIONER', 'AUDITOR'],
    languages: ['en', 'de'],
    deliveryModes: ['CLASSROOM', 'VIRTUAL', 'SELF_STUDY'],
    ...overrides,
  };
}

export function rcbApplication(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Certify Europe',
    country: 'DE',
    companyDetails: { legalName: 'Certify Europe GmbH', address: ['Hauptstr. 1', 'Berlin'] },
    contacts: [{ name: 'Bert Kuhn', email: 'bert@certify.example' }],
    nationalAccreditationBody: 'DAkkS',
    accreditationReference: 'D-ZM-12345-01-00',
    countriesServed: ['DE', 'AT', 'CH'],
    ...overrides,
  };
}

/** Applies and walks an ATO to ACCREDITED through the API, as scheme staff would. */
export async function accreditedAto(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const applied = await h.as<{ applyForAtoAccreditation: { id: string } }>(publicViewer, APPLY_ATO, {
    input: atoApplication(overrides),
  });
  if (!applied.data) throw new Error(JSON.stringify(applied.errors));
  const id = applied.data.applyForAtoAccreditation.id;
  const begin = await h.as(schemeStaff, `mutation($id: ID!) { beginAtoAssessment(atoId: $id) { status } }`, {
    id,
  });
  const decide = await h.as(
    schemeStaff,
    `mutation($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "meets the criteria") { status } }`,
    { id },
  );
  if (begin.errors || decide.errors) throw new Error(JSON.stringify([begin.errors, decide.errors]));
  return id;
}

export async function appointedRcb(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const applied = await h.as<{ applyForRcbAppointment: { id: string } }>(
    publicViewer,
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
    { input: rcbApplication(overrides) },
  );
  if (!applied.data) throw new Error(JSON.stringify(applied.errors));
  const id = applied.data.applyForRcbAppointment.id;
  await h.as(schemeStaff, `mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id });
  const decided = await h.as(
    schemeStaff,
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "accredited by DAkkS") { status } }`,
    { id },
  );
  if (decided.errors) throw new Error(JSON.stringify(decided.errors));
  return id;
}

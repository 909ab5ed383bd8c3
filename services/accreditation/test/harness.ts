import { loadConfig } from '@iso20000/service-kit';
import { startServiceHarness, viewers, type ServiceHarness } from '@iso20000/testing';
import type { ServiceContext } from '../src/context';
import { accreditationServiceConfig } from '../src/config';
import { entities, migrations } from '../src/data-source';
import { buildService, type AccreditationService } from '../src/server';

export { eventually } from '@iso20000/testing';

/** One test file's accreditation service: its own database and events namespace, real PostgreSQL and NATS. */
export type Harness = ServiceHarness<AccreditationService>;

export const schemeStaff = viewers.schemeStaff();
export const publicViewer = viewers.public;
export const { atoStaff, rcbIntegration, candidate } = viewers;

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
  const applied = await h.ok<{ applyForAtoAccreditation: { id: string } }>(publicViewer, APPLY_ATO, {
    input: atoApplication(overrides),
  });
  const id = applied.applyForAtoAccreditation.id;
  await h.ok(schemeStaff, `mutation($id: ID!) { beginAtoAssessment(atoId: $id) { status } }`, { id });
  await h.ok(
    schemeStaff,
    `mutation($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "meets the criteria") { status } }`,
    { id },
  );
  return id;
}

export async function appointedRcb(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const applied = await h.ok<{ applyForRcbAppointment: { id: string } }>(
    publicViewer,
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
    { input: rcbApplication(overrides) },
  );
  const id = applied.applyForRcbAppointment.id;
  await h.ok(schemeStaff, `mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id });
  await h.ok(
    schemeStaff,
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "accredited by DAkkS") { status } }`,
    { id },
  );
  return id;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Viewer } from '@iso20000/auth';
import { errorCodes } from '@iso20000/testing';
import { Kind, parse, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import {
  APPLY_ATO,
  accreditedAto,
  appointedRcb,
  atoApplication,
  atoStaff,
  candidate,
  publicViewer,
  rcbIntegration,
  schemeStaff,
  startHarness,
  type Harness,
} from './harness';

/**
 * The schema says who may read each field; this holds the code to it. Each field's audience is read
 * from its description, so a description and the code cannot drift apart unnoticed.
 */
type Audience = 'everyone' | 'own ATO' | 'own RCB' | 'scheme staff';

const document = parse(readFileSync(join(__dirname, '..', 'src', 'schema.graphql'), 'utf8'));
const objectTypes = new Map(
  document.definitions
    .filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION)
    .map((d) => [d.name.value, d]),
);

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function audienceOf(description: string | undefined): Audience {
  if (!description) return 'everyone';
  if (/\bScheme staff only\./.test(description)) return 'scheme staff';
  if (/The ATO's own staff and scheme staff only\./.test(description)) return 'own ATO';
  if (/The RCB itself and scheme staff only\./.test(description)) return 'own RCB';
  if (/only/i.test(description))
    throw new Error(`"${description}": say who may read it in one of the phrases this test knows`);
  return 'everyone';
}

function fieldsOf(typeName: string): { field: string; selection: string; audience: Audience }[] {
  const type = objectTypes.get(typeName);
  if (!type?.fields) throw new Error(`no type ${typeName}`);
  return type.fields.map((field) => ({
    field: field.name.value,
    selection: objectTypes.has(namedType(field.type))
      ? `${field.name.value} { __typename }`
      : field.name.value,
    audience: audienceOf(field.description?.value),
  }));
}

let h: Harness;
let atoId: string;
let otherAtoId: string;
let rcbId: string;
let otherRcbId: string;
beforeAll(async () => {
  h = await startHarness();
  atoId = await accreditedAto(h, { name: 'Documented Academy' });
  otherAtoId = await accreditedAto(h, { name: 'Neighbour Academy' });
  rcbId = await appointedRcb(h, { name: 'Documented Cert' });
  otherRcbId = await appointedRcb(h, { name: 'Neighbour Cert' });
  // A course with a trainer, so that Course.trainer has something to hide.
  const trainer = await h.as<{ addTrainer: { id: string } }>(
    schemeStaff,
    `mutation($atoId: ID!) { addTrainer(atoId: $atoId, input: { candidateId: "${randomUUID()}", name: "Tom Trainer" }) { id } }`,
    { atoId },
  );
  const course = await h.as<{ createCourse: { id: string } }>(
    schemeStaff,
    `mutation($atoId: ID!) { createCourse(atoId: $atoId, input: { examCode: FOUNDATION, language: "en", country: "GB",
       deliveryMode: SELF_STUDY, examIncluded: false }) { id } }`,
    { atoId },
  );
  await h.db.dataSource.query(`UPDATE course SET trainer_id = $1 WHERE id = $2`, [
    trainer.data!.addTrainer.id,
    course.data!.createCourse.id,
  ]);
});
afterAll(() => h.close());

const ROLE_NAMES = [
  'the public',
  'a candidate',
  "this ATO's staff",
  "another ATO's staff",
  "this RCB's integration",
  "another RCB's integration",
  'scheme staff',
] as const;

const roles = (): [(typeof ROLE_NAMES)[number], Viewer][] => [
  ['the public', publicViewer],
  ['a candidate', candidate(randomUUID())],
  ["this ATO's staff", atoStaff(atoId)],
  ["another ATO's staff", atoStaff(otherAtoId)],
  ["this RCB's integration", rcbIntegration(rcbId)],
  ["another RCB's integration", rcbIntegration(otherRcbId)],
  ['scheme staff', schemeStaff],
];

function mayRead(audience: Audience, viewer: Viewer): boolean {
  switch (audience) {
    case 'everyone':
      return true;
    case 'scheme staff':
      return viewer.role === 'scheme_staff';
    case 'own ATO':
      return viewer.role === 'scheme_staff' || (viewer.role === 'ato_staff' && viewer.atoId === atoId);
    case 'own RCB':
      return viewer.role === 'scheme_staff' || (viewer.role === 'rcb_integration' && viewer.rcbId === rcbId);
  }
}

const cases = (typeName: string, query: (selection: string) => string) =>
  fieldsOf(typeName).flatMap(({ field, selection, audience }) =>
    ROLE_NAMES.map((who) => [`${typeName}.${field}`, audience, who, query(selection)] as const),
  );

describe('who may read each field is who its description says', () => {
  it('knows the audience of every protected field', () => {
    const protectedFields = ['Ato', 'Rcb', 'Course'].flatMap((type) =>
      fieldsOf(type)
        .filter((f) => f.audience !== 'everyone')
        .map((f) => `${type}.${f.field}: ${f.audience}`),
    );
    expect(protectedFields).toEqual([
      'Ato.companyDetails: own ATO',
      'Ato.contacts: own ATO',
      'Ato.statusReason: own ATO',
      'Ato.suspendedUntil: own ATO',
      'Ato.appliedAt: own ATO',
      'Ato.trainers: own ATO',
      'Ato.certificateDeliveryPreference: own ATO',
      'Ato.logoLicence: own ATO',
      'Ato.assessmentNotes: scheme staff',
      'Ato.statusHistory: own ATO',
      'Rcb.accreditationReference: own RCB',
      'Rcb.companyDetails: own RCB',
      'Rcb.contacts: own RCB',
      'Rcb.statusReason: own RCB',
      'Rcb.suspendedUntil: own RCB',
      'Rcb.appliedAt: own RCB',
      'Rcb.credentials: own RCB',
      'Rcb.assessmentNotes: scheme staff',
      'Rcb.statusHistory: own RCB',
      'Course.trainer: own ATO',
    ]);
  });

  it.each([
    ...cases('Ato', (s) => `query($ato: ID!) { ato(id: $ato) { ${s} } }`),
    ...cases('Rcb', (s) => `query($rcb: ID!) { rcb(id: $rcb) { ${s} } }`),
    ...cases(
      'Course',
      (s) => `query($ato: ID!) { ato(id: $ato) { courses(first: 50) { edges { node { ${s} } } } } }`,
    ),
  ])('%s (%s): %s', async (_field, audience, who, query) => {
    const viewer = roles().find(([name]) => name === who)![1];
    const result = await h.as(viewer, query, { ato: atoId, rcb: rcbId });
    if (mayRead(audience, viewer)) {
      expect(result.errors).toBeUndefined();
    } else {
      expect(errorCodes(result).length).toBeGreaterThan(0);
      expect(errorCodes(result).every((code) => code === 'FORBIDDEN' || code === 'UNAUTHENTICATED')).toBe(
        true,
      );
    }
  });
});

describe('who may find an organization is who the query descriptions say', () => {
  it("ato(id): the public sees accredited ATOs only; an ATO's staff their own; scheme staff every one", async () => {
    const applied = await h.as<{ applyForAtoAccreditation: { id: string } }>(publicViewer, APPLY_ATO, {
      input: atoApplication({ name: 'Unlisted Applicant' }),
    });
    const id = applied.data!.applyForAtoAccreditation.id;
    const seenBy = async (viewer: Viewer) =>
      (await h.as<{ ato: { id: string } | null }>(viewer, `query($id: ID!) { ato(id: $id) { id } }`, { id }))
        .data!.ato !== null;
    expect(await seenBy(publicViewer)).toBe(false);
    expect(await seenBy(atoStaff(otherAtoId))).toBe(false);
    expect(await seenBy(rcbIntegration(rcbId))).toBe(false);
    expect(await seenBy(atoStaff(id))).toBe(true);
    expect(await seenBy(schemeStaff)).toBe(true);
  });
});

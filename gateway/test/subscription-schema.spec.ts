import { readFileSync } from 'node:fs';
import {
  getNamedType,
  isObjectType,
  isUnionType,
  parse,
  validate,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { defaultSupergraphPath } from '../src/gateway';
import { buildSubscriptionSchema, decodeFeedCursor, encodeFeedCursor } from '../src/subscriptions';

const supergraph = readFileSync(defaultSupergraphPath(), 'utf8');
const { schema, sdl } = buildSubscriptionSchema(supergraph);

/** Every field of every member of a union, as one selection (objects: their scalar fields). */
function selectAll(schema: GraphQLSchema, unionName: string): string {
  const union = schema.getType(unionName);
  if (!isUnionType(union)) throw new Error(`${unionName} is not a union`);
  const member = (type: GraphQLObjectType) =>
    `... on ${type.name} { ${Object.values(type.getFields())
      .filter((f) => !isObjectType(getNamedType(f.type)))
      .map((f) => f.name)
      .join(' ')} }`;
  return `{ __typename ${union.getTypes().map(member).join(' ')} }`;
}

describe('the subscription schema', () => {
  it('lets a client select every field of every payload type of a subscription in one document', () => {
    const fields = schema.getSubscriptionType()?.getFields() ?? {};
    expect(Object.keys(fields).sort()).toEqual([
      'atoChanged',
      'candidateChanged',
      'certificateStatusChanged',
      'organizationCertificationStatusChanged',
      'rcbChanged',
    ]);
    for (const field of Object.values(fields)) {
      const args = field.args.filter((a) => a.name !== 'after');
      const variables = args.map((a) => `$${a.name}: ${a.type}`).join(', ');
      const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const document = `subscription${variables ? `(${variables})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selectAll(schema, getNamedType(field.type).name)} }`;
      expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
    }
  });

  it('uses the query graph’s enums, values as the supergraph has them', () => {
    expect(sdl).toContain(
      'enum OrganizationCertificationStatus {\n  CERTIFIED\n  SUSPENDED\n  WITHDRAWN\n  EXPIRED\n}',
    );
    expect(sdl).toMatch(/enum ExamCode \{\s+FOUNDATION\s+PRACTITIONER\s+AUDITOR\s+\}/);
    expect(sdl).not.toContain('@join__');
    expect(sdl).toContain('type Subscription {');
  });

  it('reads back its cursors, and refuses one of another subscription', () => {
    const cursor = encodeFeedCursor({
      exam: { seq: 12, created: 1_700_000_000_000 },
      certificate: { seq: 3, created: 5 },
    });
    expect(decodeFeedCursor(cursor, ['exam', 'certificate'])).toEqual({
      exam: { seq: 12, created: 1_700_000_000_000 },
      certificate: { seq: 3, created: 5 },
    });
    for (const [text, producers] of [
      [cursor, ['registry']],
      [cursor, ['exam']],
      ['v1.e30', ['exam']],
      ['v1.' + Buffer.from('{"exam":[-1,0]}').toString('base64url'), ['exam']],
      ['v1.' + Buffer.from('{"exam":[1.5,0]}').toString('base64url'), ['exam']],
      ['nonsense', ['exam']],
    ] as const)
      expect(() => decodeFeedCursor(text, producers)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      );
  });
});

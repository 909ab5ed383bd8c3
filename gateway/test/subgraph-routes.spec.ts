import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { compilePlan, NotHere } from '../src/compiled-plans';
import { routeFor, routeSchemasFromSupergraph, SubgraphRouteTable } from '../src/subgraph-routes';

// Two subgraphs with the traps a single-subgraph route must avoid: a shared field whose nullability
// differs, an enum with a value hidden from clients, an interface, and an entity spanning both.
const examSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7",
    import: ["@key", "@shareable", "@inaccessible"])
  type Query {
    exam(code: String!): Exam
    exams(level: Level): [Exam!]!
    motto: String @shareable
    item(id: ID!): Item
    levelOf(code: String!): Level
    search(filter: ExamFilter!): [Exam!]!
  }
  type Mutation { renameExam(code: String!, name: String!): Exam }
  enum Level { FOUNDATION PRACTITIONER SECRET @inaccessible }
  input ExamFilter { level: Level, name: String }
  interface Item { id: ID! }
  type Question implements Item { id: ID! text: String! }
  type Exam @key(fields: "code") { code: String! name: String! questions: Int! }
`;
const certificateSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  type Query { certificate(number: String!): Certificate, motto: String! @shareable }
  type Certificate { number: String! exam: Exam! }
  type Exam @key(fields: "code") { code: String! holders: Int! }
`;

const composed = composeServices([
  { name: 'exam', url: 'http://exam', typeDefs: parse(examSdl) },
  { name: 'certificate', url: 'http://certificate', typeDefs: parse(certificateSdl) },
]);
if (composed.errors) throw composed.errors[0];
const supergraphSdl = composed.supergraphSdl;
const supergraph = Supergraph.build(supergraphSdl);
const planner = new QueryPlanner(supergraph);
const schemas = routeSchemasFromSupergraph(supergraphSdl);

function route(query: string, operationName?: string) {
  const document = parse(query);
  const plan = planner.buildQueryPlan(
    operationFromDocument(supergraph.apiSchema(), document, { operationName }),
  );
  return routeFor(plan, document, schemas);
}

describe('single-subgraph routes', () => {
  it('routes an operation one subgraph answers exactly as written', () => {
    expect(route('query E($code: String!) { exam(code: $code) { code name questions } }')).toEqual({
      kind: 'subgraph',
      subgraph: 'exam',
      operationKind: 'query',
    });
    expect(route('{ certificate(number: "1") { number } }')).toEqual({
      kind: 'subgraph',
      subgraph: 'certificate',
      operationKind: 'query',
    });
  });

  it('routes mutations, aliases, __typename and directives', () => {
    expect(route('mutation { renameExam(code: "F", name: "x") { code } }')?.operationKind).toBe('mutation');
    expect(
      route(
        'query Q($full: Boolean!) { e: exam(code: "F") { __typename c: code questions @include(if: $full) } }',
      ),
    ).not.toBeNull();
  });

  it('does not route what the planner rewrites, such as an inline fragment', () => {
    expect(route('{ exam(code: "F") { code ... on Exam { name } } }')).toBeNull();
  });

  it('does not route an operation that needs a second subgraph', () => {
    expect(route('{ exam(code: "F") { name holders } }')).toBeNull();
    expect(route('{ certificate(number: "1") { exam { name } } }')).toBeNull();
  });

  it('does not route a field whose type differs between the API schema and the subgraph', () => {
    // The API says String (nullable); a subgraph answering String! would null-propagate differently.
    const plan = planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse('{ motto }')));
    expect(plan.node?.kind === 'Fetch' && plan.node.serviceName).toBe('certificate');
    expect(route('{ motto }')).toBeNull();
  });

  it('does not route enums with values clients cannot see, in answers or inputs', () => {
    expect(route('{ levelOf(code: "F") }')).toBeNull();
    expect(route('query L($level: Level) { exams(level: $level) { code } }')).toBeNull();
    expect(route('query S($filter: ExamFilter!) { search(filter: $filter) { code } }')).toBeNull();
  });

  it('does not route abstract types, fragments, several operations or introspection', () => {
    expect(route('{ item(id: "1") { id ... on Question { text } } }')).toBeNull();
    expect(route('{ exam(code: "F") { ...E } } fragment E on Exam { name }')).toBeNull();
    expect(route('query A { exam(code: "F") { name } } query B { motto }', 'A')).toBeNull();
    expect(route('{ __schema { queryType { name } } }')).toBeNull();
    expect(route('{ __typename exam(code: "F") { name } }')).toBeNull();
  });

  it('learns once per operation and forgets the oldest beyond its size', () => {
    const table = new SubgraphRouteTable(schemas, 200, { subgraphRoutes: true, compiledPlans: false });
    const learn = (query: string, name?: string) => {
      const document = parse(query);
      const plan = planner.buildQueryPlan(
        operationFromDocument(supergraph.apiSchema(), document, { operationName: name }),
      );
      table.learn(query, name, plan, document);
    };
    const first = '{ exam(code: "A") { name } }';
    learn(first);
    expect(table.lookup(first, undefined)).toMatchObject({ subgraph: 'exam', operationKind: 'query' });
    expect(table.lookup(first, 'Other')).toBeUndefined();
    learn('{ exam(code: "B") { name holders } }');
    expect(table.lookup('{ exam(code: "B") { name holders } }', undefined)).toBeNull();
    for (let i = 0; i < 10; i += 1) learn(`{ exam(code: "${i}${'x'.repeat(20)}") { name } }`);
    expect(table.lookup(first, undefined)).toBeUndefined();
    expect(table.size).toBeLessThan(12);
  });
});

describe('compiled plans', () => {
  function compiled(query: string, operationName?: string) {
    const document = parse(query);
    const plan = planner.buildQueryPlan(
      operationFromDocument(supergraph.apiSchema(), document, { operationName }),
    );
    return compilePlan(plan, document, operationName, schemas.api);
  }

  it('compiles queries spanning subgraphs, with fragments, aliases and __typename', () => {
    expect(compiled('{ exam(code: "F") { name holders } }')).not.toBeNull();
    expect(
      compiled(
        'query Q($c: String!) { e: exam(code: $c) { ...Counts __typename n: name } } fragment Counts on Exam { holders }',
        'Q',
      ),
    ).not.toBeNull();
    expect(compiled('{ certificate(number: "1") { number exam { name holders } } }')).not.toBeNull();
    // A single fetch is compiled too: with single-subgraph routes off it is executed here.
    expect(compiled('{ exam(code: "F") { name } }')?.variableDefinitions).toEqual([]);
  });

  it('leaves to Apollo Gateway what it does not do exactly alike', () => {
    expect(compiled('{ item(id: "1") { id ... on Question { text } } }')).toBeNull(); // an interface
    expect(
      compiled('query I($x: Boolean!) { exam(code: "F") { name holders @include(if: $x) } }'),
    ).toBeNull();
    expect(compiled('{ exam(code: "F") { name holders @skip(if: true) } }')).toBeNull();
    expect(compiled('{ __schema { queryType { name } } exam(code: "F") { holders } }')).toBeNull();
    expect(compiled('mutation { renameExam(code: "F", name: "G") { name holders } }')).toBeNull();
  });

  it('executes the plan through its fetches and shapes the answer as the client asked', async () => {
    const plan = compiled(
      'query Q($c: String!) { e: exam(code: $c) { __typename n: name ...H } } fragment H on Exam { holders }',
      'Q',
    );
    const sent: Array<{ subgraph: string; body: unknown }> = [];
    const data = await plan?.execute({ c: 'F', unused: 1 }, async (subgraph, body) => {
      const parsed = JSON.parse(body) as { variables: Record<string, unknown> };
      sent.push({ subgraph, body: parsed });
      if (subgraph === 'exam') return { e: { __typename: 'Exam', code: 'F', n: 'Foundation' } };
      return { _entities: parsed.variables.representations === undefined ? [] : [{ holders: 7 }] };
    });
    expect(JSON.stringify(data)).toBe('{"e":{"__typename":"Exam","n":"Foundation","holders":7}}');
    expect(sent.map(({ subgraph }) => subgraph)).toEqual(['exam', 'certificate']);
    expect(sent[0]?.body).toMatchObject({ variables: { c: 'F' }, operationName: 'Q__exam__0' });
    expect(sent[1]?.body).toMatchObject({
      variables: { representations: [{ __typename: 'Exam', code: 'F' }] },
    });
  });

  it('gives the request back to the planned path on a null where the schema says non-null, or a wrong value', async () => {
    const plan = compiled('{ exam(code: "F") { name holders } }');
    const answer = (entity: unknown) => async (subgraph: string) =>
      subgraph === 'exam'
        ? { exam: { __typename: 'Exam', code: 'F', name: 'Foundation' } }
        : { _entities: [entity] };
    await expect(plan?.execute({}, answer({ holders: null }))).rejects.toBeInstanceOf(NotHere);
    await expect(plan?.execute({}, answer({ holders: '7' }))).rejects.toBeInstanceOf(NotHere);
    await expect(plan?.execute({}, answer({ holders: 1.5 }))).rejects.toBeInstanceOf(NotHere);
    await expect(plan?.execute({}, answer({ holders: 3 }))).resolves.toEqual({
      exam: { name: 'Foundation', holders: 3 },
    });
  });
});

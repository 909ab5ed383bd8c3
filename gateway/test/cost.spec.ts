import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { parse, validate, type DocumentNode } from 'graphql';
import { loadGatewayConfig } from '../src/config';
import { costLimitPlugin, keptCost, operationCost, PagedOperationCost } from '../src/cost';
import { defaultSupergraphPath } from '../src/gateway';

// The cost model against the committed supergraph: what real clients send passes the default limit
// at their real page sizes, however the page size is passed; abusive nesting does not.
const api = Supergraph.build(readFileSync(defaultSupergraphPath(), 'utf8')).apiSchema().toGraphQLJSSchema();
const limit = loadGatewayConfig({}).GATEWAY_MAX_COST;

function document(text: string): DocumentNode {
  const parsed = parse(text);
  const errors = validate(api, parsed);
  if (errors.length) throw new Error(errors.map((error) => error.message).join('\n'));
  return parsed;
}

const candidatePortal = `
  query CandidatePortal($sittings: Int, $certificates: Int) {
    me {
      id name
      sittings(first: $sittings) {
        edges { cursor node {
          id state satOn language route
          exam { code name passMark maxMarks languages { tag name } }
          session { id startsAt }
          ato { id name }
          result { score maxScore percentage passed releasedAt }
          certificate { id number status }
          history { fromState toState occurredAt }
        } }
        pageInfo { hasNextPage endCursor }
      }
      certificates(first: $certificates) {
        edges { node {
          id number status examCode examTitle issuedOn verificationUrl
          badge { id pageUrl claimedAt }
          credential { jwt statusListIndex }
          versions { version holderName issuedAt }
          revocation { revokedOn reason }
          ato { id name }
        } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

const registryPage = `
  query RegistryPage($first: Int!, $name: String) {
    certifiedOrganizations(first: $first, filter: { name: $name }) {
      edges { cursor node {
        id legalName otherNames country
        address { lines city postalCode country }
        certifications {
          id certificateNumber standard scope status expiry rcbName rcbStatus
          rcb { id name country status }
          sites { scope address { city country } }
        }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const groupedStatistics = `
  query Grouped($first: Int) {
    examStatistics(filter: { exams: [FOUNDATION] }, groupBy: [COUNTRY, QUARTER]) {
      minGroupSize groupBy
      total { sittings passed passRate meanPercentage distribution { fromPercentage toPercentage sittings } }
      groups(first: $first) {
        totalCount
        edges { cursor node {
          key { exam country quarter }
          suppressed suppressionReason sittings passed passRate meanPercentage medianPercentage
          stdDevPercentage trainerEligible trainerEligibilityRate
          distribution { fromPercentage toPercentage sittings }
        } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

describe('operation cost', () => {
  it.each([
    [
      'the candidate portal, 20 sittings and 20 certificates',
      candidatePortal,
      { sittings: 20, certificates: 20 },
    ],
    ['a registry page of 100 with RCB names', registryPage, { first: 100 }],
    ["an analyst's grouped statistics, 100 groups", groupedStatistics, { first: 100 }],
  ])('passes %s', (_what, text, variables) => {
    const { cost, usesVariables } = operationCost(api, document(text), undefined, variables);
    expect(usesVariables).toBe(true);
    expect(cost).toBeGreaterThan(100);
    expect(cost).toBeLessThanOrEqual(limit);
  });

  it('counts a page size passed as a variable like one written in the document', () => {
    const written = registryPage.replace('$first: Int!, ', '').replace('first: $first', 'first: 100');
    const inline = operationCost(api, document(written), undefined, {});
    const variable = operationCost(api, document(registryPage), undefined, { first: 100 });
    expect(inline.usesVariables).toBe(false);
    expect(variable.cost).toBe(inline.cost);
    expect(operationCost(api, document(registryPage), undefined, { first: 10 }).cost).toBeLessThan(
      variable.cost / 5,
    );
  });

  it('keeps the cost per page size exactly as computing it on every request gives', () => {
    const text = `query($n: Int = 50, $m: Int, $name: String) {
      rcbs(first: $n) { edges { node { id } } }
      certifiedOrganizations(first: $m, filter: { name: $name }) { edges { node { certifications { rcb { id } } } } }
    }`;
    const doc = document(text);
    const kept = keptCost(api, doc, undefined);
    expect(kept).toBeInstanceOf(PagedOperationCost);
    const paged = kept as PagedOperationCost;
    const cases: Record<string, unknown>[] = [
      {},
      { n: null },
      { n: undefined },
      { m: null, n: 3 },
      { name: 'x' },
    ];
    // more combinations than are kept (128), each asked twice: the second from the memo, or computed again
    for (let n = 0; n < 140; n += 1) cases.push({ n, m: 140 - n, name: `acme ${n}` });
    for (const variables of [...cases, ...cases])
      expect(paged.costWith(variables)).toBe(operationCost(api, doc, undefined, variables).cost);
    expect(keptCost(api, document('{ rcbs(first: 3) { edges { node { id } } } }'), undefined)).toEqual(
      expect.any(Number),
    );
  });

  it("takes a variable's default, then the argument's, then the services' page size of 20", () => {
    const text = 'query($n: Int = 50) { rcbs(first: $n) { edges { node { id courses: id } } } }';
    const q = (vars: Record<string, unknown>) => operationCost(api, document(text), undefined, vars).cost;
    expect(q({})).toBe(q({ n: 50 }));
    const absent = operationCost(api, document('{ rcbs { edges { node { id } } } }'), undefined, {});
    expect(absent.cost).toBe(
      operationCost(api, document('{ rcbs(first: 20) { edges { node { id } } } }'), undefined, {}).cost,
    );
  });

  it('counts pageInfo once per page, not once per item', () => {
    const withInfo = '{ rcbs(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }';
    const without = '{ rcbs(first: 100) { edges { node { id } } } }';
    expect(operationCost(api, document(withInfo), undefined, {}).cost).toBe(
      operationCost(api, document(without), undefined, {}).cost + 1,
    );
  });

  it('refuses nested pages that multiply into a flood', () => {
    const abusive = `query($n: Int) {
      certifiedOrganizations(first: $n) { edges { node { certifications {
        history(first: $n) { edges { node { rcb { id name } } } }
        organization { certifications { rcb { id } organization { legalName } } }
      } } } }
    }`;
    expect(operationCost(api, document(abusive), undefined, { n: 100 }).cost).toBeGreaterThan(limit * 10);
  });

  it('counts fragments where they are spread', () => {
    const spread = `query { me { ...Mine } } fragment Mine on Candidate { sittings(first: 20) { edges { node { exam { code } } } } }`;
    const inline = `query { me { sittings(first: 20) { edges { node { exam { code } } } } } }`;
    expect(operationCost(api, document(spread), undefined, {}).cost).toBe(
      operationCost(api, document(inline), undefined, {}).cost,
    );
  });
});

describe('the cost limit on every request', () => {
  /** Runs the plugin's check as Apollo Server does: the same parsed document for the same query text. */
  async function check(
    maxCost: number,
    doc: DocumentNode,
    variables?: Record<string, unknown>,
    operationName?: string,
  ): Promise<string> {
    const plugin = costLimitPlugin(maxCost);
    const hooks = (await plugin.requestDidStart?.({} as never)) as {
      didResolveOperation(context: unknown): Promise<void>;
    };
    try {
      await hooks.didResolveOperation({ schema: api, document: doc, request: { variables, operationName } });
      return 'ok';
    } catch (error) {
      return (error as { extensions?: { code?: string } }).extensions?.code ?? String(error);
    }
  }

  it('costs a document without variables once, and refuses it every time it is over', async () => {
    const fixed = document(`query { me { sittings(first: 50) { edges { node { exam { code } } } } } }`);
    const { cost } = operationCost(api, fixed, undefined, undefined);
    const plugin = costLimitPlugin(cost - 1);
    const hooks = (await plugin.requestDidStart?.({} as never)) as {
      didResolveOperation(context: unknown): Promise<void>;
    };
    for (let i = 0; i < 3; i += 1)
      await expect(
        hooks.didResolveOperation({ schema: api, document: fixed, request: {} }),
      ).rejects.toMatchObject({ extensions: { code: 'COST_LIMIT_EXCEEDED', cost } });
    expect(await check(cost, fixed)).toBe('ok');
  });

  it('costs a page size passed as a variable on every request, the same document or not', async () => {
    const paged = document(
      `query P($n: Int) { me { sittings(first: $n) { edges { node { exam { code } } } } } }`,
    );
    const small = operationCost(api, paged, undefined, { n: 5 }).cost;
    const plugin = costLimitPlugin(small);
    const hooks = (await plugin.requestDidStart?.({} as never)) as {
      didResolveOperation(context: unknown): Promise<void>;
    };
    await expect(
      hooks.didResolveOperation({ schema: api, document: paged, request: { variables: { n: 5 } } }),
    ).resolves.toBeUndefined();
    await expect(
      hooks.didResolveOperation({ schema: api, document: paged, request: { variables: { n: 500 } } }),
    ).rejects.toMatchObject({ extensions: { code: 'COST_LIMIT_EXCEEDED' } });
    await expect(
      hooks.didResolveOperation({ schema: api, document: paged, request: { variables: { n: 5 } } }),
    ).resolves.toBeUndefined();
  });

  it('keeps the costs of two operations of one document apart', async () => {
    const two = document(`
      query Small { me { id } }
      query Large { me { sittings(first: 100) { edges { node { exam { code } ato { name } } } } } }
    `);
    const small = operationCost(api, two, 'Small', undefined).cost;
    const plugin = costLimitPlugin(small);
    const hooks = (await plugin.requestDidStart?.({} as never)) as {
      didResolveOperation(context: unknown): Promise<void>;
    };
    await expect(
      hooks.didResolveOperation({ schema: api, document: two, request: { operationName: 'Small' } }),
    ).resolves.toBeUndefined();
    await expect(
      hooks.didResolveOperation({ schema: api, document: two, request: { operationName: 'Large' } }),
    ).rejects.toMatchObject({ extensions: { code: 'COST_LIMIT_EXCEEDED' } });
  });
});

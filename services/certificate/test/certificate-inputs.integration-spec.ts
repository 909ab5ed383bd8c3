import { randomUUID } from 'node:crypto';
import { errorCodes, viewers } from '@iso20000/testing';
import { CountryCodeFindings1732600000003 } from '../src/migrations/1732600000003-country-code-findings';
import { HardCopyOrderEntity } from '../src/entities/hard-copy-order.entity';
import { logger, startCertificateHarness, type CertificateHarness } from './certificate-test-harness';

let h: CertificateHarness;
beforeAll(async () => {
  h = await startCertificateHarness();
});
afterAll(async () => h?.close());

const address = {
  recipientName: 'Ada Lovelace',
  lines: ['12 St James Square'],
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
const ORDER = `mutation ($i: OrderCertificateHardCopyInput!) { orderCertificateHardCopy(input: $i) { id shippingAddress { country } } }`;
const CORRECT = `mutation ($i: CorrectCertificateHolderNameInput!) { correctCertificateHolderName(input: $i) { holderName version } }`;
const REVOKE = `mutation ($i: RevokeCertificateInput!) { revokeCertificate(input: $i) { status } }`;
const VERIFY = `query ($n: String!) { verifyCertificate(number: $n) { status } }`;

type Result = Awaited<ReturnType<CertificateHarness['run']>>;

/** The one refusal a bad input gets: BAD_USER_INPUT naming the field. */
function expectRefused(result: Result, field: string) {
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors?.[0].extensions?.field).toBe(field);
  expect(result.errors?.[0].message).toContain(field);
}

async function ordersOf(certificateId: string) {
  return h.db.dataSource.getRepository(HardCopyOrderEntity).countBy({ certificateId });
}

describe('country codes', () => {
  it('a shipping address names an existing country: XX, UK and a three-letter code are refused naming the field; nothing is ordered', async () => {
    const certificate = await h.issue();
    const holder = viewers.candidate(certificate.candidateId);
    for (const country of ['XX', 'UK', 'EU', 'QO', 'GBR', '']) {
      const refused = await h.run(holder, ORDER, {
        i: { certificateId: certificate.id, shippingAddress: { ...address, country } },
      });
      expectRefused(refused, 'shippingAddress.country');
    }
    expect(await ordersOf(certificate.id)).toBe(0);
    const ordered = await h.ok<{ orderCertificateHardCopy: { shippingAddress: { country: string } } }>(
      holder,
      ORDER,
      { i: { certificateId: certificate.id, shippingAddress: { ...address, country: ' gb ' } } },
    );
    expect(ordered.orderCertificateHardCopy.shippingAddress.country).toBe('GB');
  });

  it('the address the holder gives for an ATO-ordered copy is checked the same way', async () => {
    const certificate = await h.issue({ atoId: randomUUID() });
    const order = await insertOrder(certificate.id, { status: 'AWAITING_ADDRESS', shippingAddress: null });
    const refused = await h.run(
      viewers.candidate(certificate.candidateId),
      `mutation ($id: ID!, $a: HardCopyShippingAddressInput!) { provideHardCopyShippingAddress(orderId: $id, shippingAddress: $a) { status } }`,
      { id: order.id, a: { ...address, country: 'XX' } },
    );
    expectRefused(refused, 'shippingAddress.country');
    expect(
      await h.db.dataSource.getRepository(HardCopyOrderEntity).findOneByOrFail({ id: order.id }),
    ).toMatchObject({ status: 'AWAITING_ADDRESS', shippingAddress: null });
  });

  it('the migration reports stored codes that name no country, without rewriting them', async () => {
    const certificate = await h.issue();
    const bad = await insertOrder(certificate.id, { shippingAddress: { ...address, country: 'UK' } });
    await insertOrder(certificate.id, { shippingAddress: address });
    const ato = randomUUID();
    await h.db.dataSource.query(
      `INSERT INTO "ato_delivery_preference" ("ato_id", "format", "recipient", "ato_address", "changed_at")
       VALUES ($1, 'PAPER_AND_ELECTRONIC', 'ATO', $2::jsonb, now())`,
      [ato, JSON.stringify({ ...address, country: 'XX' })],
    );
    // run again over the stored rows, as on a database that had them before the migration
    const runner = h.db.dataSource.createQueryRunner();
    try {
      await new CountryCodeFindings1732600000003().up(runner);
    } finally {
      await runner.release();
    }
    const findings = (await h.db.dataSource.query(
      `SELECT "table_name", "row_id", "column_name", "value" FROM "data_quality_finding" ORDER BY "table_name"`,
    )) as unknown[];
    expect(findings).toEqual([
      { table_name: 'ato_delivery_preference', row_id: ato, column_name: 'ato_address.country', value: 'XX' },
      { table_name: 'hard_copy_order', row_id: bad.id, column_name: 'shipping_address.country', value: 'UK' },
    ]);
    expect(
      (await h.db.dataSource.getRepository(HardCopyOrderEntity).findOneByOrFail({ id: bad.id }))
        .shippingAddress?.country,
    ).toBe('UK');
  });
});

describe('free text', () => {
  it('a 2,000-character holder name is refused, as is one over 200; exactly 200 is taken', async () => {
    const certificate = await h.issue();
    const input = { certificateId: certificate.id, reason: 'Name as on the passport' };
    for (const holderName of ['A'.repeat(2000), 'A'.repeat(201)]) {
      const refused = await h.run(viewers.schemeStaff(), CORRECT, { i: { ...input, holderName } });
      expectRefused(refused, 'holderName');
      expect(refused.errors?.[0].extensions?.max).toBe(200);
    }
    const taken = await h.ok<{ correctCertificateHolderName: { holderName: string; version: number } }>(
      viewers.schemeStaff(),
      CORRECT,
      { i: { ...input, holderName: 'A'.repeat(200) } },
    );
    expect(taken.correctCertificateHolderName).toEqual({ holderName: 'A'.repeat(200), version: 2 });
  });

  it('every text argument has its limit: reasons 1000, references 200, address fields 300/200/20, a number 64', async () => {
    const certificate = await h.issue();
    const holder = viewers.candidate(certificate.candidateId);
    expectRefused(
      await h.run(viewers.schemeStaff(), REVOKE, {
        i: { certificateId: certificate.id, reason: 'x'.repeat(1001) },
      }),
      'reason',
    );
    expectRefused(
      await h.run(viewers.schemeStaff(), CORRECT, {
        i: { certificateId: certificate.id, holderName: 'Ada King', reason: 'x'.repeat(1001) },
      }),
      'reason',
    );
    const tooLong: Array<[Partial<typeof address>, string]> = [
      [{ recipientName: 'x'.repeat(301) }, 'shippingAddress.recipientName'],
      [{ lines: ['x'.repeat(201)] }, 'shippingAddress.lines[0]'],
      [{ city: 'x'.repeat(201) }, 'shippingAddress.city'],
      [{ postalCode: 'x'.repeat(21) }, 'shippingAddress.postalCode'],
    ];
    for (const [change, field] of tooLong) {
      expectRefused(
        await h.run(holder, ORDER, {
          i: { certificateId: certificate.id, shippingAddress: { ...address, ...change } },
        }),
        field,
      );
    }
    expect(await ordersOf(certificate.id)).toBe(0);

    const order = await insertOrder(certificate.id, { status: 'PENDING_PAYMENT' });
    expectRefused(
      await h.run(
        viewers.schemeStaff(),
        `mutation ($id: ID!, $p: String!) { recordHardCopyPayment(orderId: $id, paymentReference: $p) { status } }`,
        { id: order.id, p: 'P'.repeat(201) },
      ),
      'paymentReference',
    );
    expectRefused(
      await h.run(
        holder,
        `mutation ($id: ID!, $r: String!) { cancelHardCopyOrder(orderId: $id, reason: $r) { status } }`,
        { id: order.id, r: 'x'.repeat(1001) },
      ),
      'reason',
    );
    await h.ok(
      viewers.schemeStaff(),
      `mutation ($id: ID!) { recordHardCopyPayment(orderId: $id, paymentReference: "PAY-1") { status } }`,
      { id: order.id },
    );
    await h.ok(
      viewers.schemeStaff(),
      `mutation ($id: ID!) { markHardCopyPrinted(orderId: $id) { status } }`,
      {
        id: order.id,
      },
    );
    expectRefused(
      await h.run(
        viewers.schemeStaff(),
        `mutation ($id: ID!, $t: String!) { markHardCopyDispatched(orderId: $id, trackingReference: $t) { status } }`,
        { id: order.id, t: 'T'.repeat(201) },
      ),
      'trackingReference',
    );
    expect(
      await h.db.dataSource.getRepository(HardCopyOrderEntity).findOneByOrFail({ id: order.id }),
    ).toMatchObject({ status: 'PRINTED', trackingReference: null });

    const client = { 'x-forwarded-for': '203.0.113.90' };
    expectRefused(await h.run(viewers.public, VERIFY, { n: 'F'.repeat(65) }, client), 'number');
    expectRefused(
      await h.run(viewers.schemeStaff(), `query ($n: String!) { certificateByNumber(number: $n) { id } }`, {
        n: 'F'.repeat(65),
      }),
      'number',
    );
    expect((await h.run(viewers.public, VERIFY, { n: 'F'.repeat(64) }, client)).data).toEqual({
      verifyCertificate: { status: 'INVALID_NUMBER' },
    });
  });

  it('control characters are refused everywhere; line breaks only where the text may have several lines', async () => {
    const certificate = await h.issue();
    const holder = viewers.candidate(certificate.candidateId);
    // a NUL is refused before any resolver, naming the variable that holds it
    expectRefused(
      await h.run(viewers.schemeStaff(), CORRECT, {
        i: { certificateId: certificate.id, holderName: 'Ada\u0000 King', reason: 'Name as on the passport' },
      }),
      'i.holderName',
    );
    for (const holderName of ['Ada\u0007King', 'Ada\nKing', 'Ada\u009bKing', 'Ada \u202eGNIK']) {
      expectRefused(
        await h.run(viewers.schemeStaff(), CORRECT, {
          i: { certificateId: certificate.id, holderName, reason: 'Name as on the passport' },
        }),
        'holderName',
      );
    }
    expectRefused(
      await h.run(holder, ORDER, {
        i: {
          certificateId: certificate.id,
          shippingAddress: { ...address, recipientName: 'Ada\u001b[31m Lovelace' },
        },
      }),
      'shippingAddress.recipientName',
    );
    expectRefused(
      await h.run(holder, ORDER, {
        i: { certificateId: certificate.id, shippingAddress: { ...address, lines: ['12 St James\tSquare'] } },
      }),
      'shippingAddress.lines[0]',
    );
    expectRefused(
      await h.run(viewers.schemeStaff(), REVOKE, {
        i: { certificateId: certificate.id, reason: 'Leaked\u0000' },
      }),
      'i.reason',
    );
    expectRefused(
      await h.run(viewers.public, VERIFY, { n: 'F26\u0000' }, { 'x-forwarded-for': '203.0.113.91' }),
      'n',
    );
    const corrected = await h.ok<{ correctCertificateHolderName: { holderName: string } }>(
      viewers.schemeStaff(),
      CORRECT,
      {
        i: {
          certificateId: certificate.id,
          holderName: 'Ada King',
          reason: 'Married name.\r\nPassport seen.',
        },
      },
    );
    expect(corrected.correctCertificateHolderName.holderName).toBe('Ada King');
    const [version] = (await h.db.dataSource.query(
      `SELECT "reason" FROM "certificate_version" WHERE "certificate_id" = $1 AND "version" = 2`,
      [certificate.id],
    )) as { reason: string }[];
    expect(version.reason).toBe('Married name.\nPassport seen.');
  });
});

describe('ids', () => {
  it('a malformed id argument is BAD_USER_INPUT naming it; in entity references it names nothing (null)', async () => {
    const certificate = await h.issue();
    const holder = viewers.candidate(certificate.candidateId);
    expectRefused(await h.run(viewers.schemeStaff(), `{ certificate(id: "nope") { id } }`), 'id');
    expectRefused(await h.run(viewers.public, `{ certificateBadge(id: "nope") { id } }`), 'id');
    expectRefused(
      await h.run(holder, `mutation { claimCertificateBadge(certificateId: "nope") { id } }`),
      'certificateId',
    );
    expectRefused(
      await h.run(viewers.schemeStaff(), REVOKE, { i: { certificateId: 'nope', reason: 'Leaked' } }),
      'input.certificateId',
    );
    expectRefused(
      await h.run(viewers.schemeStaff(), `mutation { markHardCopyPrinted(orderId: "nope") { id } }`),
      'orderId',
    );
    expectRefused(
      await h.run(viewers.schemeStaff(), `{ certificates(filter: { atoId: "nope" }) { edges { cursor } } }`),
      'filter.atoId',
    );
    // a well-formed id of nothing is still simply not there
    expect(
      (
        await h.ok<{ certificate: null }>(
          viewers.schemeStaff(),
          `{ certificate(id: "${randomUUID()}") { id } }`,
        )
      ).certificate,
    ).toBeNull();

    const entities = await h.ok<{ _entities: unknown[] }>(
      viewers.schemeStaff(),
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        ... on Certificate { id } ... on Sitting { certificate { id } } ... on Candidate { certificates { edges { cursor } } } } }`,
      {
        r: [
          { __typename: 'Certificate', id: 'nope' },
          { __typename: 'Sitting', id: 'nope' },
          { __typename: 'Candidate', id: 'nope' },
        ],
      },
    );
    expect(entities._entities).toEqual([null, { certificate: null }, { certificates: { edges: [] } }]);

    // loaders: a malformed key never reaches SQL, it finds nothing
    const { loaders } = h.service.contextFor({
      requestId: randomUUID(),
      viewer: viewers.schemeStaff(),
      logger,
    });
    expect(await loaders.certificateById.loadMany(['nope', certificate.id])).toEqual([
      null,
      expect.objectContaining({ id: certificate.id }),
    ]);
    expect(await loaders.badgeById.load('nope')).toBeNull();
    expect(await loaders.certificatesByCandidateId.load('nope')).toEqual([]);
  });
});

describe('paging', () => {
  type Page = {
    edges: { node: { number: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };

  async function walk(run: (after: string | null) => Promise<Page>) {
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: Page = await run(after);
      seen.push(...page.edges.map((e) => e.node.number));
      hasNext.push(page.pageInfo.hasNextPage);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { seen, hasNext };
  }

  it('hasNextPage is true exactly while more certificates exist, on every list', async () => {
    const atoId = randomUUID();
    const candidateId = randomUUID();
    const issued = [];
    for (let i = 0; i < 5; i++) issued.push(await h.issue({ atoId, candidateId }));
    const newestFirst = issued.map((c) => c.number).reverse();

    const list = await walk(
      async (after) =>
        (
          await h.ok<{ certificates: Page }>(
            viewers.atoStaff(atoId),
            `query ($a: String) { certificates(first: 2, after: $a) { edges { node { number } } pageInfo { hasNextPage endCursor } } }`,
            { a: after },
          )
        ).certificates,
    );
    expect(list).toEqual({ seen: newestFirst, hasNext: [true, true, false] });
    // as the schema says: ATO staff may name their own ATO in the filter, scheme staff any
    for (const viewer of [viewers.atoStaff(atoId), viewers.schemeStaff()]) {
      const filtered = await h.ok<{ certificates: Page }>(
        viewer,
        `{ certificates(filter: { atoId: "${atoId}" }, first: 10) { edges { node { number } } pageInfo { hasNextPage endCursor } } }`,
      );
      expect(filtered.certificates.edges.map((e) => e.node.number)).toEqual(newestFirst);
    }

    const ofCandidate = await walk(async (after) => {
      const data = await h.ok<{ _entities: { certificates: Page }[] }>(
        viewers.candidate(candidateId),
        `query ($r: [_Any!]!, $a: String) { _entities(representations: $r) { ... on Candidate {
          certificates(first: 5, after: $a) { edges { node { number } } pageInfo { hasNextPage endCursor } } } } }`,
        { r: [{ __typename: 'Candidate', id: candidateId }], a: after },
      );
      return data._entities[0].certificates;
    });
    expect(ofCandidate).toEqual({ seen: newestFirst, hasNext: [false] });

    // a cursor of another list, or a forged one, is refused rather than answered with an empty last page
    const first = await h.ok<{ certificates: Page }>(
      viewers.atoStaff(atoId),
      `{ certificates(first: 1) { edges { node { number } } pageInfo { hasNextPage endCursor } } }`,
    );
    const foreign = await h.run(
      viewers.candidate(candidateId),
      `query ($r: [_Any!]!, $a: String) { _entities(representations: $r) { ... on Candidate { certificates(after: $a) { edges { cursor } } } } }`,
      { r: [{ __typename: 'Candidate', id: candidateId }], a: first.certificates.pageInfo.endCursor },
    );
    expect(errorCodes(foreign)).toEqual(['BAD_USER_INPUT']);
    const forged = Buffer.from(JSON.stringify(['yesterday', 'nope'])).toString('base64url');
    expect(
      errorCodes(
        await h.run(viewers.atoStaff(atoId), `{ certificates(after: "${forged}") { edges { cursor } } }`),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('the overdue report pages to its end and says so only there', async () => {
    const overdue = [];
    for (const dueOn of ['2026-01-05', '2026-01-06', '2026-01-07']) {
      const certificate = await h.issue();
      await h.db.dataSource.query(
        `UPDATE "certificate" SET "status" = 'PENDING', "due_on" = $2 WHERE "id" = $1`,
        [certificate.id, dueOn],
      );
      overdue.push(certificate.number);
    }
    const report = await walk(
      async (after) =>
        (
          await h.ok<{ overdueCertificates: Page }>(
            viewers.schemeStaff(),
            `query ($a: String) { overdueCertificates(first: 1, after: $a) { edges { node { number } } pageInfo { hasNextPage endCursor } } }`,
            { a: after },
          )
        ).overdueCertificates,
    );
    expect(report.seen).toEqual(expect.arrayContaining(overdue));
    expect(report.hasNext.at(-1)).toBe(false);
    expect(report.hasNext.slice(0, -1).every(Boolean)).toBe(true);
    expect(report.seen).toHaveLength(report.hasNext.length);
  });
});

async function insertOrder(
  certificateId: string,
  fields: Partial<HardCopyOrderEntity>,
): Promise<HardCopyOrderEntity> {
  const order = Object.assign(new HardCopyOrderEntity(), {
    id: randomUUID(),
    certificateId,
    kind: 'ORIGINAL',
    origin: 'ATO_DELIVERY_PREFERENCE',
    recipient: 'CANDIDATE',
    status: 'AWAITING_ADDRESS',
    shippingAddress: null,
    priceAmountMinor: 1200,
    priceCurrency: 'GBP',
    paidBy: 'ATO',
    paymentReference: null,
    trackingReference: null,
    cancellationReason: null,
    createdAt: new Date(),
    paidAt: null,
    printedAt: null,
    dispatchedAt: null,
    cancelledAt: null,
    ...fields,
  } satisfies HardCopyOrderEntity);
  await h.db.dataSource.getRepository(HardCopyOrderEntity).insert(order);
  return order;
}

import { createHash } from 'node:crypto';
import { eventually } from '@iso20000/testing';
import { appointedRcb, ok as okThrough, startE2eSystem, type RunningSystem } from '../src/harness';

// An RCB's upload result file downloaded over plain HTTP from the gateway's origin
// (GET /registry/uploads/{id}/results.csv, proxied to the registry, streamed from a cursor), with
// the same credential as GraphQL: the uploading RCB reads it, another RCB, scheme staff, a bad key
// and no key do not.

let system: RunningSystem;
let staff: string;
let origin: string;
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);

beforeAll(async () => {
  system = await startE2eSystem('e2eupres', { REGISTRY_UPLOAD_INTERVAL_MS: '300' });
  staff = await system.token('scheme_staff');
  origin = new URL(system.gatewayUrl).origin;
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const cycleStart = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);

/** Three good rows, one refused (no legal name), one with a quote and a comma in its name. */
function csv(prefix: string): string {
  const lines = [
    'certificateNumber,legalName,country,addressLines,city,publicListing,scope,cycleStart',
    `${prefix}-1,Result File One Ltd,GB,1 File Street,Leeds,true,Managed IT services,${cycleStart}`,
    `${prefix}-2,,GB,2 File Street,Leeds,true,Managed IT services,${cycleStart}`,
    `${prefix}-3,"Result ""Three"", Ltd",GB,3 File Street,Leeds,true,Managed IT services,${cycleStart}`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Starts an upload of this file once the registry knows the RCB (it learns of it by event). */
async function startUpload(authorization: string, data: Buffer, fileName: string): Promise<string> {
  const started = await eventually(
    async () => {
      const result = await system.query<{ startCertificationUpload: { id: string } }>(
        `mutation($input: StartCertificationUploadInput!) { startCertificationUpload(input: $input) { id } }`,
        {
          input: {
            fileName,
            format: 'CSV',
            sizeBytes: data.length,
            sha256: createHash('sha256').update(data).digest('hex'),
          },
        },
        authorization,
      );
      return result.data?.startCertificationUpload ?? undefined;
    },
    30_000,
    'the registry to know the appointed RCB',
  );
  return started.id;
}

async function upload(authorization: string, file: string): Promise<string> {
  const data = Buffer.from(file, 'utf8');
  const started = { id: await startUpload(authorization, data, 'My certifications.csv') };
  await ok(
    `mutation($id: ID!, $data: String!) { appendCertificationUploadChunk(uploadId: $id, index: 0, data: $data) { receivedBytes } }`,
    { id: started.id, data: data.toString('base64') },
    authorization,
  );
  await ok(
    `mutation($id: ID!) { submitCertificationUpload(uploadId: $id) { status } }`,
    { id: started.id },
    authorization,
  );
  await eventually(
    async () => {
      const { certificationUpload } = await ok<{ certificationUpload: { status: string } }>(
        `query($id: ID!) { certificationUpload(id: $id) { status } }`,
        { id: started.id },
        authorization,
      );
      return certificationUpload.status === 'DONE' ? true : undefined;
    },
    30_000,
    'the upload to be processed',
  );
  return started.id;
}

const download = (id: string, authorization?: string) =>
  fetch(`${origin}/registry/uploads/${id}/results.csv`, {
    headers: authorization ? { authorization } : {},
  });

it('gives the uploading RCB its whole result file as a CSV download, and no one else', async () => {
  const mine = await appointedRcb(system, staff, { name: 'Result File RCB' });
  const other = await appointedRcb(system, staff, { name: 'Foreign File RCB' });
  const id = await upload(mine.authorization, csv('RF'));

  const response = await download(id, mine.authorization);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(response.headers.get('content-disposition')).toBe(
    'attachment; filename="My_certifications-results.csv"',
  );
  expect(response.headers.get('cache-control')).toBe('private, no-store');
  const text = await response.text();
  const lines = text.split('\r\n');
  expect(lines[0]).toBe('row,certificateNumber,outcome,errorCode,reasons,certificationId,changedFields');
  expect(lines).toHaveLength(5); // header, three rows, the empty string after the last line break
  expect(lines[1]).toMatch(/^1,RF-1,CREATED,,,[0-9a-f-]{36},/);
  expect(lines[2]).toMatch(/^2,RF-2,REJECTED,BAD_USER_INPUT,.*legalName/);
  expect(lines[3]).toMatch(/^3,RF-3,CREATED,,,[0-9a-f-]{36},/);
  // the same file as the GraphQL parts, which keep working
  const parts = await ok<{ certificationUpload: { resultFileParts: number; resultFile: string } }>(
    `query($id: ID!) { certificationUpload(id: $id) { resultFileParts resultFile(part: 0) } }`,
    { id },
    mine.authorization,
  );
  expect(parts.certificationUpload.resultFileParts).toBe(1);
  expect(parts.certificationUpload.resultFile).toBe(text);

  // Another RCB: 404, as if the upload did not exist (and the same for an unknown id).
  const foreign = await download(id, other.authorization);
  expect(foreign.status).toBe(404);
  expect(await foreign.text()).not.toContain('RF-1');
  expect((await download('00000000-0000-4000-8000-000000000000', mine.authorization)).status).toBe(404);
  // Scheme staff are not the RCB either; no key or a made-up one is refused at the gateway.
  expect((await download(id, `Bearer ${staff}`)).status).toBe(404);
  expect((await download(id)).status).toBe(401);
  expect((await download(id, 'ApiKey rcbk_not-a-real-key')).status).toBe(401);
  expect((await fetch(`${origin}/registry/uploads/${id}/results.csv`, { method: 'POST' })).status).toBe(405);
});

it('says when the result file is not complete yet', async () => {
  const mine = await appointedRcb(system, staff, { name: 'Pending File RCB' });
  const id = await startUpload(mine.authorization, Buffer.from(csv('PF'), 'utf8'), 'pending.csv');
  const response = await download(id, mine.authorization);
  expect(response.status).toBe(409);
  expect(((await response.json()) as { error: string }).error).toContain('RECEIVING');
});

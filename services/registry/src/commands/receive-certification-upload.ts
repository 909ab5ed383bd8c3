import { createHash, randomUUID } from 'node:crypto';
import { parseText, refuse } from '@iso20000/service-kit';
import type { DataSource } from 'typeorm';
import type { RcbActor } from '../access';
import {
  CertificationUploadChunkEntity,
  CertificationUploadEntity,
  type UploadFormat,
} from '../entities/certification-upload.entity';

/** An upload's limits: the file, its chunks, its rows. */
export const UPLOAD_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxChunkBytes: 1024 * 1024,
  maxRows: 100_000,
} as const;

/** The upload of this RCB, or NOT_FOUND (another RCB's upload is not even acknowledged to exist). */
async function ownUpload(
  dataSource: DataSource,
  actor: RcbActor,
  id: string,
  lock = false,
): Promise<CertificationUploadEntity> {
  const upload = await dataSource.getRepository(CertificationUploadEntity).findOne({
    where: { id, rcbId: actor.rcbId },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!upload) throw refuse.notFound(`No upload of your RCB with id ${id}`);
  return upload;
}

export { ownUpload };

/** Starts an upload: what the file is, how big, its sha256; its chunks follow. */
export async function startCertificationUpload(
  dataSource: DataSource,
  actor: RcbActor,
  command: { fileName: string; format: UploadFormat; sizeBytes: number; sha256: string; dryRun: boolean },
  now: Date,
): Promise<CertificationUploadEntity> {
  const fileName = parseText(command.fileName, { field: 'fileName', max: 200 });
  if (
    !Number.isInteger(command.sizeBytes) ||
    command.sizeBytes < 1 ||
    command.sizeBytes > UPLOAD_LIMITS.maxBytes
  )
    throw refuse.badInput(
      `sizeBytes must be 1 to ${UPLOAD_LIMITS.maxBytes} (20 MB), got ${command.sizeBytes}: split the file`,
    );
  const sha256 = command.sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw refuse.badInput('sha256 must be the file’s SHA-256 as 64 hex digits');
  const upload = new CertificationUploadEntity();
  Object.assign(upload, {
    id: randomUUID(),
    rcbId: actor.rcbId,
    actor: actor.actor,
    fileName,
    format: command.format,
    dryRun: command.dryRun,
    sizeBytes: command.sizeBytes,
    sha256,
    receivedBytes: 0,
    chunkCount: 0,
    status: 'RECEIVING',
    rowsProcessed: 0,
    bytesProcessed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    error: null,
    createdAt: now,
    submittedAt: null,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  });
  await dataSource.getRepository(CertificationUploadEntity).insert(upload);
  return upload;
}

/**
 * Stores one chunk (base64, at most 1 MiB decoded) at its index. Sending the same chunk again is
 * harmless (a retry); different data at a stored index is a CONFLICT.
 */
export function appendCertificationUploadChunk(
  dataSource: DataSource,
  actor: RcbActor,
  command: { id: string; index: number; data: string },
  now: Date,
): Promise<CertificationUploadEntity> {
  if (!Number.isInteger(command.index) || command.index < 0 || command.index > 100_000)
    throw refuse.badInput(`index must be 0 or more, got ${command.index}`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(command.data)) throw refuse.badInput('data must be base64');
  const data = Buffer.from(command.data, 'base64');
  if (data.length === 0) throw refuse.badInput('data must not be empty');
  if (data.length > UPLOAD_LIMITS.maxChunkBytes)
    throw refuse.badInput(`a chunk holds at most ${UPLOAD_LIMITS.maxChunkBytes} bytes, got ${data.length}`);
  const sha256 = createHash('sha256').update(data).digest('hex');
  return dataSource.transaction(async (manager) => {
    const upload = await manager.getRepository(CertificationUploadEntity).findOne({
      where: { id: command.id, rcbId: actor.rcbId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!upload) throw refuse.notFound(`No upload of your RCB with id ${command.id}`);
    if (upload.status !== 'RECEIVING')
      throw refuse.conflict(`the upload is ${upload.status}: it takes no more chunks`);
    const chunks = manager.getRepository(CertificationUploadChunkEntity);
    const stored = await chunks.findOne({
      where: { uploadId: upload.id, index: command.index },
      select: { sha256: true },
    });
    if (stored) {
      if (stored.sha256 !== sha256)
        throw refuse.conflict(
          `chunk ${command.index} was already received with other data: start a new upload`,
        );
      return upload;
    }
    if (upload.receivedBytes + data.length > upload.sizeBytes)
      throw refuse.badInput(
        `the chunks add up to more than the ${upload.sizeBytes} bytes declared: start a new upload with the right size`,
      );
    await chunks.insert({ uploadId: upload.id, index: command.index, data, sha256 });
    upload.receivedBytes += data.length;
    upload.chunkCount += 1;
    upload.updatedAt = now;
    await manager
      .getRepository(CertificationUploadEntity)
      .update(
        { id: upload.id },
        { receivedBytes: upload.receivedBytes, chunkCount: upload.chunkCount, updatedAt: now },
      );
    return upload;
  });
}

/**
 * Every chunk arrived (contiguous from 0, the declared size and sha256): the upload is queued for
 * the worker. The file is hashed chunk by chunk, never held whole.
 */
export function submitCertificationUpload(
  dataSource: DataSource,
  actor: RcbActor,
  id: string,
  now: Date,
): Promise<CertificationUploadEntity> {
  return dataSource.transaction(async (manager) => {
    const upload = await manager.getRepository(CertificationUploadEntity).findOne({
      where: { id, rcbId: actor.rcbId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!upload) throw refuse.notFound(`No upload of your RCB with id ${id}`);
    if (upload.status !== 'RECEIVING') return upload; // submitted already: a retry
    if (upload.receivedBytes !== upload.sizeBytes)
      throw refuse.conflict(
        `received ${upload.receivedBytes} of ${upload.sizeBytes} bytes: send the missing chunks`,
      );
    const [{ max }] = (await manager.query(
      `SELECT max("index")::int AS "max" FROM "certification_upload_chunk" WHERE "upload_id" = $1`,
      [id],
    )) as { max: number }[];
    if (max !== upload.chunkCount - 1)
      throw refuse.conflict(`chunks are missing: received ${upload.chunkCount}, the last index is ${max}`);
    const hash = createHash('sha256');
    for (let index = 0; index < upload.chunkCount; index++) {
      const chunk = await manager
        .getRepository(CertificationUploadChunkEntity)
        .findOneOrFail({ where: { uploadId: id, index }, select: { data: true } });
      hash.update(chunk.data);
    }
    if (hash.digest('hex') !== upload.sha256)
      throw refuse.conflict('the file that arrived does not match the sha256 declared: start a new upload');
    await manager
      .getRepository(CertificationUploadEntity)
      .update({ id }, { status: 'QUEUED', submittedAt: now, updatedAt: now });
    return Object.assign(upload, { status: 'QUEUED' as const, submittedAt: now, updatedAt: now });
  });
}

import { requireRole } from '@iso20000/auth';
import { clampPageSize, paginate, parseId, refuse } from '@iso20000/service-kit';
import { canSeeCertification, requireRcbIntegration } from '../access';
import {
  appendCertificationUploadChunk,
  ownUpload,
  startCertificationUpload,
  submitCertificationUpload,
} from '../commands/receive-certification-upload';
import type { ServiceContext } from '../context';
import {
  CertificationUploadEntity,
  CertificationUploadResultEntity,
} from '../entities/certification-upload.entity';
import type {
  CertificationUploadResolvers,
  CertificationUploadResultResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../generated/graphql';
import { RESULT_FILE_PART_ROWS, resultFileCsv, uploadTemplate } from '../queries/certification-uploads';

export const certificationUploadResolvers: CertificationUploadResolvers<ServiceContext> = {
  progress: (upload) =>
    upload.status === 'DONE' || upload.status === 'FAILED'
      ? 1
      : upload.sizeBytes > 0
        ? Math.min(1, upload.bytesProcessed / upload.sizeBytes)
        : 0,
  results: (upload, args, ctx) => {
    const query = ctx.dataSource
      .getRepository(CertificationUploadResultEntity)
      .createQueryBuilder('u')
      .where('u.upload_id = :id', { id: upload.id });
    if (args.outcome) query.andWhere('u.outcome = :outcome', { outcome: args.outcome });
    return paginate(
      query,
      [{ sql: 'u.row', cast: 'integer', orderBy: 'u.row', value: (row) => String(row.row) }],
      args,
    );
  },
  resultFileParts: async (upload, _args, ctx) => {
    const [{ count }] = (await ctx.dataSource.query(
      `SELECT count(*)::int AS "count" FROM "certification_upload_result" WHERE "upload_id" = $1`,
      [upload.id],
    )) as { count: number }[];
    return Math.max(1, Math.ceil(count / RESULT_FILE_PART_ROWS));
  },
  resultFilePath: (upload) => `/registry/uploads/${upload.id}/results.csv`,
  resultFile: async (upload, args, ctx) => {
    if (!Number.isInteger(args.part) || args.part < 0)
      throw refuse.badInput(`part must be 0 or more, got ${args.part}`);
    const rows = await ctx.dataSource
      .getRepository(CertificationUploadResultEntity)
      .createQueryBuilder('u')
      .where('u.upload_id = :id AND u.row > :from AND u.row <= :to', {
        id: upload.id,
        from: args.part * RESULT_FILE_PART_ROWS,
        to: (args.part + 1) * RESULT_FILE_PART_ROWS,
      })
      .orderBy('u.row')
      .getMany();
    return resultFileCsv(rows);
  },
};

export const certificationUploadResultResolvers: CertificationUploadResultResolvers<ServiceContext> = {
  certification: async (result, _args, ctx) => {
    if (!result.certificationId) return null;
    const certification = await ctx.loaders.certificationById.load(result.certificationId);
    return certification && (await canSeeCertification(ctx, certification)) ? certification : null;
  },
};

export const uploadQueryResolvers: Pick<
  QueryResolvers<ServiceContext>,
  'certificationUpload' | 'certificationUploads' | 'certificationUploadTemplate'
> = {
  certificationUpload: async (_parent, args, ctx) => {
    const actor = requireRcbIntegration(ctx.viewer);
    return ownUpload(ctx.dataSource, actor, parseId(args.id, 'id')).catch(() => null);
  },
  certificationUploads: (_parent, args, ctx) => {
    requireRole(ctx.viewer, 'rcb_integration');
    clampPageSize(args.first);
    const query = ctx.dataSource
      .getRepository(CertificationUploadEntity)
      .createQueryBuilder('u')
      .where('u.rcb_id = :rcbId', { rcbId: ctx.viewer.rcbId });
    return paginate(
      query,
      [
        {
          sql: 'u.created_at',
          cast: 'timestamptz',
          orderBy: 'u.createdAt',
          value: (row) => row.createdAt.toISOString(),
        },
        { sql: 'u.id', cast: 'uuid', orderBy: 'u.id', value: (row) => row.id },
      ],
      args,
    );
  },
  certificationUploadTemplate: (_parent, args) => uploadTemplate(args.format),
};

export const uploadMutationResolvers: Pick<
  MutationResolvers<ServiceContext>,
  'startCertificationUpload' | 'appendCertificationUploadChunk' | 'submitCertificationUpload'
> = {
  startCertificationUpload: (_parent, args, ctx) =>
    startCertificationUpload(
      ctx.dataSource,
      requireRcbIntegration(ctx.viewer),
      { ...args.input, dryRun: args.input.dryRun ?? false },
      ctx.now,
    ),
  appendCertificationUploadChunk: (_parent, args, ctx) =>
    appendCertificationUploadChunk(
      ctx.dataSource,
      requireRcbIntegration(ctx.viewer),
      { id: parseId(args.uploadId, 'uploadId'), index: args.index, data: args.data },
      ctx.now,
    ),
  submitCertificationUpload: (_parent, args, ctx) =>
    submitCertificationUpload(
      ctx.dataSource,
      requireRcbIntegration(ctx.viewer),
      parseId(args.uploadId, 'uploadId'),
      ctx.now,
    ),
};

import ExcelJS from 'exceljs';
import { UPLOAD_COLUMNS, type UploadColumn } from '../domain/upload-rows';
import type { CertificationUploadResultEntity, UploadFormat } from '../entities/certification-upload.entity';

export interface UploadTemplate {
  fileName: string;
  contentType: string;
  base64: string;
  columns: readonly UploadColumn[];
}

/** A CSV field: quoted when it holds a separator, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const csvLine = (values: string[]) => `${values.map(csvField).join(',')}\r\n`;

/** The template: the columns as a header, an example row, in the format asked for. */
export async function uploadTemplate(format: UploadFormat): Promise<UploadTemplate> {
  const header = UPLOAD_COLUMNS.map((c) => c.name);
  const example = UPLOAD_COLUMNS.map((c) => c.example);
  if (format === 'CSV') {
    return {
      fileName: 'registry-upload-template.csv',
      contentType: 'text/csv; charset=utf-8',
      base64: Buffer.from(csvLine(header) + csvLine(example), 'utf8').toString('base64'),
      columns: UPLOAD_COLUMNS,
    };
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('certifications');
  sheet.addRow(header);
  sheet.addRow(example);
  const notes = workbook.addWorksheet('columns');
  notes.addRow(['column', 'required', 'description']);
  for (const column of UPLOAD_COLUMNS)
    notes.addRow([column.name, column.required ? 'yes' : 'no', column.description]);
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  return {
    fileName: 'registry-upload-template.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    base64: buffer.toString('base64'),
    columns: UPLOAD_COLUMNS,
  };
}

export const RESULT_FILE_PART_ROWS = 5000;
export const RESULT_FILE_HEADER = [
  'row',
  'certificateNumber',
  'outcome',
  'errorCode',
  'reasons',
  'certificationId',
  'changedFields',
];

/** What one line of the result file says: a row's result (the entity, or the same columns read raw). */
export type ResultFileRow = Pick<
  CertificationUploadResultEntity,
  'row' | 'certificateNumber' | 'outcome' | 'errorCode' | 'reasons' | 'certificationId' | 'changedFields'
>;

/** The result file's header line. */
export const resultFileHeaderLine = (): string => csvLine(RESULT_FILE_HEADER);

/** One row's result as a line of the result file. */
export function resultFileLine(r: ResultFileRow): string {
  return csvLine([
    String(r.row),
    r.certificateNumber,
    r.outcome,
    r.errorCode ?? '',
    r.reasons.join(' | '),
    r.certificationId ?? '',
    r.changedFields.join(' '),
  ]);
}

/** One part of an upload's result file as CSV. */
export function resultFileCsv(rows: ResultFileRow[]): string {
  return resultFileHeaderLine() + rows.map(resultFileLine).join('');
}

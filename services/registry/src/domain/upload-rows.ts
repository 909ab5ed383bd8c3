import { refuse } from '@iso20000/service-kit';
import { isCalendarDate } from './calendar-date';
import type { ImportRecord } from './certification-import';
import {
  CERTIFICATION_STANDARDS,
  CURRENT_STANDARD,
  type CertificationStandard,
  type CertifiedSite,
  type SurveillanceAudit,
} from './certification-lifecycle';

/**
 * One row of an RCB's CSV or XLSX upload as an import record: the same record upsertCertifications
 * takes, written flat. The columns are documented here once (the template and the README read them).
 */

export interface UploadColumn {
  name: string;
  required: boolean;
  description: string;
  example: string;
}

export const UPLOAD_COLUMNS: readonly UploadColumn[] = [
  {
    name: 'certificateNumber',
    required: true,
    description:
      "Your RCB's certificate number (at most 100 characters: letters, digits, space, '.', '/', '_', '-'); the row is matched on it",
    example: 'ITSM-2026-0042',
  },
  {
    name: 'legalName',
    required: true,
    description: "The organization's legal name (at most 300 characters)",
    example: 'Acme Services Ltd',
  },
  {
    name: 'otherNames',
    required: false,
    description: "Trading and former names, separated by ';' (at most 20)",
    example: 'Acme IT; Acme Cloud',
  },
  {
    name: 'country',
    required: true,
    description: 'ISO 3166-1 alpha-2 code of the organization (any case)',
    example: 'GB',
  },
  {
    name: 'addressLines',
    required: true,
    description: "Address lines, separated by '|' (1 to 5, each at most 200 characters)",
    example: '1 Service Street|Floor 3',
  },
  { name: 'city', required: true, description: 'City (at most 200 characters)', example: 'Leeds' },
  {
    name: 'postalCode',
    required: false,
    description: 'Postal code (at most 20 characters)',
    example: 'LS1 1AA',
  },
  {
    name: 'addressCountry',
    required: false,
    description: "ISO 3166-1 alpha-2 code of the address; the organization's country when empty",
    example: 'GB',
  },
  {
    name: 'publicListing',
    required: true,
    description: 'Whether the organization consents to the public registry: true or false (also yes/no, 1/0)',
    example: 'true',
  },
  {
    name: 'standard',
    required: false,
    description: `${CERTIFICATION_STANDARDS.join(' or ')}; ${CURRENT_STANDARD} when empty`,
    example: CURRENT_STANDARD,
  },
  {
    name: 'scope',
    required: true,
    description: 'The certified scope (at most 4000 characters; line breaks allowed)',
    example: 'The provision of managed IT services to customers',
  },
  {
    name: 'sites',
    required: false,
    description:
      'The sites as a JSON array of {"address":{"lines":[...],"city":"...","postalCode":"...","country":"GB"},"scope":"..."}; none when empty (at most 500)',
    example:
      '[{"address":{"lines":["1 Service Street"],"city":"Leeds","postalCode":"LS1 1AA","country":"GB"},"scope":"Service desk"}]',
  },
  {
    name: 'originalIssueDate',
    required: false,
    description: 'YYYY-MM-DD: when the organization was first certified; the cycle start when empty',
    example: '2020-03-01',
  },
  {
    name: 'cycleStart',
    required: true,
    description:
      'YYYY-MM-DD: start of the current three-year cycle (a later one than stored is a recertification)',
    example: '2026-03-01',
  },
  {
    name: 'expiry',
    required: false,
    description: 'YYYY-MM-DD; three years after cycleStart, less a day, when empty',
    example: '2029-02-28',
  },
  {
    name: 'surveillanceAudits',
    required: false,
    description:
      "The cycle's audits as 'due=done' dates separated by ';' (done empty while not yet done), e.g. 2027-03-01=2027-02-20;2028-03-01=; the yearly schedule when empty",
    example: '2027-03-01=;2028-03-01=',
  },
  {
    name: 'status',
    required: false,
    description: 'CERTIFIED, SUSPENDED or WITHDRAWN (EXPIRED follows from the dates); CERTIFIED when empty',
    example: 'CERTIFIED',
  },
  {
    name: 'statusReason',
    required: false,
    description: 'Required for SUSPENDED and WITHDRAWN (at most 1000 characters)',
    example: '',
  },
  {
    name: 'suspendedUntil',
    required: false,
    description: 'YYYY-MM-DD: end of a suspension (at most six months)',
    example: '',
  },
  {
    name: 'expectedVersion',
    required: false,
    description: 'Optional optimistic concurrency: the version you last read',
    example: '',
  },
];

export const UPLOAD_COLUMN_NAMES = UPLOAD_COLUMNS.map((column) => column.name);

export type UploadRow = Record<string, string | undefined>;

const { badInput } = refuse;

function cell(row: UploadRow, name: string): string {
  return (row[name] ?? '').trim();
}

function optional(row: UploadRow, name: string): string | null {
  const value = cell(row, name);
  return value === '' ? null : value;
}

function required(row: UploadRow, name: string): string {
  const value = cell(row, name);
  if (value === '') throw badInput(`${name} is required`);
  return value;
}

function date(row: UploadRow, name: string): string | null {
  const value = optional(row, name);
  if (value !== null && !isCalendarDate(value))
    throw badInput(`${name} must be a date as YYYY-MM-DD, got "${value}"`);
  return value;
}

function bool(row: UploadRow, name: string): boolean {
  const value = required(row, name).toLowerCase();
  if (['true', 'yes', '1', 'y'].includes(value)) return true;
  if (['false', 'no', '0', 'n'].includes(value)) return false;
  throw badInput(`${name} must be true or false, got "${value}"`);
}

function sites(row: UploadRow): CertifiedSite[] {
  const value = optional(row, 'sites');
  if (value === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw badInput('sites must be a JSON array of sites');
  }
  if (!Array.isArray(parsed)) throw badInput('sites must be a JSON array of sites');
  return parsed.map((site: unknown, i) => {
    const s = site as {
      address?: { lines?: unknown; city?: unknown; postalCode?: unknown; country?: unknown };
      scope?: unknown;
    };
    const a = s?.address;
    if (
      !a ||
      !Array.isArray(a.lines) ||
      !a.lines.every((l) => typeof l === 'string') ||
      typeof a.city !== 'string' ||
      typeof a.country !== 'string' ||
      typeof s.scope !== 'string' ||
      (a.postalCode !== undefined && a.postalCode !== null && typeof a.postalCode !== 'string')
    )
      throw badInput(
        `sites[${i}] must be {"address":{"lines":[...],"city":"...","postalCode":"...","country":"..."},"scope":"..."}`,
      );
    return {
      address: {
        lines: a.lines as string[],
        city: a.city,
        postalCode: (a.postalCode as string | null | undefined) ?? null,
        country: a.country,
      },
      scope: s.scope,
    };
  });
}

function audits(row: UploadRow): SurveillanceAudit[] | null {
  const value = optional(row, 'surveillanceAudits');
  if (value === null) return null;
  return value
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [due, done = ''] = part.split('=').map((p) => p.trim());
      if (!isCalendarDate(due) || (done !== '' && !isCalendarDate(done)))
        throw badInput(
          `surveillanceAudits: "${part}" must be due=done dates as YYYY-MM-DD (done may be empty)`,
        );
      return { dueDate: due, doneOn: done === '' ? null : done };
    });
}

/** The import record a row stands for; throws a DomainRefusal naming the column when it is not one. */
export function uploadRowToRecord(row: UploadRow): ImportRecord {
  const standard = optional(row, 'standard') ?? CURRENT_STANDARD;
  if (!(CERTIFICATION_STANDARDS as readonly string[]).includes(standard))
    throw badInput(`standard must be ${CERTIFICATION_STANDARDS.join(' or ')}, got "${standard}"`);
  const status = optional(row, 'status') ?? 'CERTIFIED';
  if (status === 'EXPIRED') throw badInput('status EXPIRED is not imported: it follows from the expiry date');
  if (status !== 'CERTIFIED' && status !== 'SUSPENDED' && status !== 'WITHDRAWN')
    throw badInput(`status must be CERTIFIED, SUSPENDED or WITHDRAWN, got "${status}"`);
  const expectedVersion = optional(row, 'expectedVersion');
  if (expectedVersion !== null && !/^\d{1,9}$/.test(expectedVersion))
    throw badInput(`expectedVersion must be a whole number, got "${expectedVersion}"`);
  const country = required(row, 'country');
  const cycleStart = date(row, 'cycleStart');
  if (cycleStart === null) throw badInput('cycleStart is required');
  return {
    certificateNumber: required(row, 'certificateNumber'),
    organization: {
      legalName: required(row, 'legalName'),
      otherNames: (optional(row, 'otherNames') ?? '')
        .split(';')
        .map((n) => n.trim())
        .filter(Boolean),
      country,
      address: {
        lines: required(row, 'addressLines')
          .split('|')
          .map((line) => line.trim()),
        city: required(row, 'city'),
        postalCode: optional(row, 'postalCode'),
        country: optional(row, 'addressCountry') ?? country,
      },
      publicListing: bool(row, 'publicListing'),
    },
    standard: standard as CertificationStandard,
    scope: cell(row, 'scope'),
    sites: sites(row),
    originalIssueDate: date(row, 'originalIssueDate'),
    cycleStart,
    expiry: date(row, 'expiry'),
    surveillanceAudits: audits(row),
    status,
    statusReason: optional(row, 'statusReason'),
    suspendedUntil: date(row, 'suspendedUntil'),
    expectedVersion: expectedVersion === null ? null : Number(expectedVersion),
  };
}

/** The header row must name the documented columns (any order); unknown columns are refused. */
export function checkUploadHeader(header: readonly string[]): void {
  const names = header.map((h) => h.trim());
  const unknown = names.filter((name) => name !== '' && !UPLOAD_COLUMN_NAMES.includes(name));
  if (unknown.length)
    throw badInput(
      `unknown column(s) ${unknown.join(', ')}: the columns are ${UPLOAD_COLUMN_NAMES.join(', ')}`,
    );
  const missing = UPLOAD_COLUMNS.filter((c) => c.required && !names.includes(c.name)).map((c) => c.name);
  if (missing.length) throw badInput(`missing column(s) ${missing.join(', ')}`);
  const seen = new Set<string>();
  for (const name of names) {
    if (name && seen.has(name)) throw badInput(`column ${name} appears twice`);
    seen.add(name);
  }
}

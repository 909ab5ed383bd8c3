/**
 * A rule of the scheme said no. Domain and command code throw it without knowing about GraphQL;
 * the subgraph maps it once (see toClientError) to an error with `extensions.code`.
 */
export type RefusalCode =
  'BAD_USER_INPUT' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'RATE_LIMITED';

export class DomainRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainRefusal';
  }
}

const make =
  (code: RefusalCode) =>
  (message: string, details?: Record<string, unknown>): DomainRefusal =>
    new DomainRefusal(code, message, details);

/** `throw refuse.conflict('...')`: one constructor per code. */
export const refuse = {
  badInput: make('BAD_USER_INPUT'),
  forbidden: make('FORBIDDEN'),
  notFound: make('NOT_FOUND'),
  conflict: make('CONFLICT'),
  unauthenticated: make('UNAUTHENTICATED'),
  rateLimited: make('RATE_LIMITED'),
} as const;

/** What a service's unique indexes mean to a client: constraint name -> the CONFLICT message. */
export type UniqueViolationMessages = Readonly<Record<string, string>>;

/** The constraint of a PostgreSQL unique violation (23505), whether raw pg or wrapped by TypeORM. */
export function uniqueViolationOf(error: unknown): { constraint: string | null } | null {
  const candidates = [error, (error as { driverError?: unknown } | null)?.driverError];
  for (const candidate of candidates) {
    const { code, constraint } = (candidate ?? {}) as { code?: unknown; constraint?: unknown };
    if (code === '23505') return { constraint: typeof constraint === 'string' ? constraint : null };
  }
  return null;
}

import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isoDate.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new GraphQLError(`Date must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  // Reject dates that Date.parse silently rolls over (2026-02-30).
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new GraphQLError(`${value} is not a real calendar date`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

function parseDateTime(value: unknown): Date {
  const parsed = typeof value === 'string' ? new Date(value) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    throw new GraphQLError(`DateTime must be an ISO 8601 timestamp, got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return parsed;
}

/** `scalar Date`: a calendar date (YYYY-MM-DD), no time zone. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD',
  // Answers carry dates as the database wrote them: the form is checked, not the calendar again.
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return typeof value === 'string' && isoDate.test(value) ? value : parseDate(value);
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** `scalar DateTime`: an instant, ISO 8601 in UTC. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO 8601 (UTC)',
  serialize: (value) => (value instanceof Date ? value : parseDateTime(value)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar };

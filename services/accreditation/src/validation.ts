import { badUserInput } from '@iso20000/service-kit';
import { z } from 'zod';

/** Parses a mutation's input at the edge; the first problem becomes a BAD_USER_INPUT naming the field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, root = 'input'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [root, ...issue.path.map(String)].join('.');
  throw badUserInput(`${field}: ${issue.message}`, { field });
}

export const countryCode = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as GB or DE'));
export const languageTag = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 language tag such as en, pt-BR or zh-Hant');
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullish()
    .transform((value) => (value ? value : null));

export const organizationName = text(300);
export const reasonText = text(2000);
export const notesText = text(10_000);
export const examCode = z.enum(['FOUNDATION', 'PRACTITIONER', 'AUDITOR']);
export const deliveryMode = z.enum(['CLASSROOM', 'VIRTUAL', 'SELF_STUDY']);
export const uuid = z.uuid('expected an id (uuid)');

const nonEmptyUnique = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item)
    .min(1, `name at least one ${what}`)
    .max(50, `at most 50 ${what}s`)
    .refine((values) => new Set(values).size === values.length, `each ${what} only once`);

export const companyDetailsInput = z.object({
  legalName: text(300),
  registrationNumber: optionalText(100),
  address: z.array(text(300)).min(1, 'give at least one address line').max(6, 'at most 6 address lines'),
  website: z
    .url('expected a web address such as https://example.org')
    .max(500)
    .nullish()
    .transform((value) => value ?? null),
});

export const contactsInput = z
  .array(
    z.object({
      name: text(200),
      email: z.email('expected an e-mail address').max(320),
      phone: optionalText(50),
      role: optionalText(100),
    }),
  )
  .min(1, 'give at least one contact')
  .max(20, 'at most 20 contacts');

export const atoApplicationInput = z.object({
  name: organizationName,
  country: countryCode,
  companyDetails: companyDetailsInput,
  contacts: contactsInput,
  examLevels: nonEmptyUnique(examCode, 'exam level'),
  languages: nonEmptyUnique(languageTag, 'language'),
  deliveryModes: nonEmptyUnique(deliveryMode, 'delivery mode'),
});

export const rcbApplicationInput = z.object({
  name: organizationName,
  country: countryCode,
  companyDetails: companyDetailsInput,
  contacts: contactsInput,
  nationalAccreditationBody: text(300),
  accreditationReference: text(100),
  countriesServed: nonEmptyUnique(countryCode, 'country'),
});

export const courseInput = z.object({
  examCode,
  language: languageTag,
  country: countryCode,
  deliveryMode,
  startsOn: z.iso
    .date()
    .nullish()
    .transform((value) => value ?? null),
  endsOn: z.iso
    .date()
    .nullish()
    .transform((value) => value ?? null),
  examIncluded: z.boolean(),
  trainerId: uuid.nullish().transform((value) => value ?? null),
});

export const trainerInput = z.object({ candidateId: uuid, name: text(300) });

export const deliveryPreferenceInput = z.object({
  format: z.enum(['ELECTRONIC_ONLY', 'PAPER_AND_ELECTRONIC']),
  recipient: z.enum(['CANDIDATE', 'ATO']),
  atoAddress: z
    .object({
      recipientName: text(300),
      lines: z.array(text(300)).min(1, 'give at least one address line').max(5, 'at most 5 address lines'),
      city: text(200),
      postalCode: optionalText(40),
      country: countryCode,
    })
    .nullish()
    .transform((value) => value ?? null),
});

export const logoLicenceInput = z.object({
  licensed: z.boolean(),
  validFrom: z.iso
    .date()
    .nullish()
    .transform((value) => value ?? null),
  validUntil: z.iso
    .date()
    .nullish()
    .transform((value) => value ?? null),
});

export const credentialLabel = optionalText(200);

/** Today's date (UTC) as YYYY-MM-DD. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

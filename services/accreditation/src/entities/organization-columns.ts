/** Company details and contacts, as an applicant gives them (kept as JSON: read whole, never filtered on). */
export interface CompanyDetails {
  legalName: string;
  registrationNumber: string | null;
  address: string[];
  website: string | null;
}

export interface OrganizationContact {
  name: string;
  email: string;
  phone: string | null;
  role: string | null;
}

/** numeric columns come back from pg as strings; the domain works in numbers. */
export const numericToNumber = {
  to: (value: number | null | undefined): number | null | undefined => value,
  from: (value: string | null): number | null => (value === null ? null : Number(value)),
};

/**
 * LinkedIn's "Add to profile" link for a certification, with the parameters LinkedIn documents for
 * it: startTask=CERTIFICATION_NAME, name, organizationId (or organizationName when the issuer has no
 * LinkedIn page id), issueYear, issueMonth (1-12), certUrl and certId.
 */
export interface LinkedInCertification {
  name: string;
  organizationName: string;
  organizationId?: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  certUrl: string;
  certId: string;
}

export function linkedInAddToProfileUrl(certification: LinkedInCertification): string {
  const url = new URL('https://www.linkedin.com/profile/add');
  url.searchParams.set('startTask', 'CERTIFICATION_NAME');
  url.searchParams.set('name', certification.name);
  if (certification.organizationId) url.searchParams.set('organizationId', certification.organizationId);
  else url.searchParams.set('organizationName', certification.organizationName);
  const [year, month] = certification.issuedOn.split('-');
  url.searchParams.set('issueYear', String(Number(year)));
  url.searchParams.set('issueMonth', String(Number(month)));
  url.searchParams.set('certUrl', certification.certUrl);
  url.searchParams.set('certId', certification.certId);
  return url.toString();
}

export type CertificateDeliveryFormat = 'ELECTRONIC_ONLY' | 'PAPER_AND_ELECTRONIC';
export type CertificateRecipient = 'CANDIDATE' | 'ATO';

export interface PostalAddress {
  recipientName: string;
  lines: string[];
  city: string;
  postalCode: string | null;
  country: string;
}

export interface CertificateDeliveryPreference {
  format: CertificateDeliveryFormat;
  recipient: CertificateRecipient;
  atoAddress: PostalAddress | null;
}

/** Paper sent via the ATO needs somewhere to send it; an address without paper to send is refused as confusing. */
export function deliveryPreferenceViolation(preference: CertificateDeliveryPreference): string | null {
  const needsAddress = preference.format === 'PAPER_AND_ELECTRONIC' && preference.recipient === 'ATO';
  if (needsAddress && preference.atoAddress === null) {
    return 'paper certificates sent via the ATO need the ATO address (atoAddress)';
  }
  if (!needsAddress && preference.atoAddress !== null) {
    return 'an ATO address is only used when paper certificates are sent via the ATO; leave atoAddress empty';
  }
  return null;
}

export interface LogoLicence {
  licensed: boolean;
  validFrom: string | null;
  validUntil: string | null;
}

/** A logo licence runs between two dates; an unlicensed ATO has no dates. */
export function logoLicenceViolation(licence: LogoLicence): string | null {
  if (!licence.licensed) {
    return licence.validFrom || licence.validUntil
      ? 'an ATO without a logo licence has no licence dates; leave them empty'
      : null;
  }
  if (!licence.validFrom) return 'a logo licence needs a start date (validFrom)';
  if (licence.validUntil && licence.validUntil < licence.validFrom)
    return 'the logo licence cannot end before it starts';
  return null;
}

/** Whether the ATO may use the scheme logo on a given day. */
export function logoLicenceActiveOn(licence: LogoLicence, day: string): boolean {
  return (
    licence.licensed &&
    licence.validFrom !== null &&
    licence.validFrom <= day &&
    (licence.validUntil === null || day <= licence.validUntil)
  );
}

import { linkedInAddToProfileUrl } from '../src/linkedin';

describe('LinkedIn add-to-profile link', () => {
  const certification = {
    name: 'ISO/IEC 20000 Foundation',
    organizationName: 'ISO/IEC 20000 Certification Scheme',
    issuedOn: '2026-03-09',
    certUrl: 'https://certs.example/badges/5f0c2a4e-1b2c-4d5e-8f90-1234567890ab',
    certId: 'F26-7K3Q-M9PA',
  };

  it('carries LinkedIn’s documented certification parameters', () => {
    const url = new URL(linkedInAddToProfileUrl(certification));
    expect(url.origin + url.pathname).toBe('https://www.linkedin.com/profile/add');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      startTask: 'CERTIFICATION_NAME',
      name: 'ISO/IEC 20000 Foundation',
      organizationName: 'ISO/IEC 20000 Certification Scheme',
      issueYear: '2026',
      issueMonth: '3',
      certUrl: certification.certUrl,
      certId: 'F26-7K3Q-M9PA',
    });
  });

  it('names the issuer by its LinkedIn page id when there is one', () => {
    const url = new URL(linkedInAddToProfileUrl({ ...certification, organizationId: '1337' }));
    expect(url.searchParams.get('organizationId')).toBe('1337');
    expect(url.searchParams.has('organizationName')).toBe(false);
  });
});

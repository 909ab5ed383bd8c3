import { pick } from '@iso20000/seed-kit';

/**
 * Deterministic, realistic-looking registry data for the seed tool and the benchmark: the same seed
 * gives the same organizations and names (with accents, as the real registry has). The seeded RCBs
 * are in @iso20000/seed-kit, shared with accreditation's seed.
 */

const COUNTRIES = [
  { code: 'GB', suffixes: ['Ltd', 'PLC', 'Limited'], cities: ['London', 'Leeds', 'Manchester', 'Bristol'] },
  {
    code: 'DE',
    suffixes: ['GmbH', 'AG', 'GmbH & Co. KG'],
    cities: ['München', 'Köln', 'Düsseldorf', 'Berlin'],
  },
  { code: 'FR', suffixes: ['SAS', 'SA', 'SARL'], cities: ['Paris', 'Lyon', 'Besançon', 'Nîmes'] },
  { code: 'ES', suffixes: ['S.L.', 'S.A.'], cities: ['Madrid', 'Málaga', 'Córdoba', 'León'] },
  { code: 'BR', suffixes: ['Ltda', 'S.A.'], cities: ['São Paulo', 'Brasília', 'Belém', 'Goiânia'] },
  { code: 'PT', suffixes: ['Lda', 'S.A.'], cities: ['Lisboa', 'Évora', 'Porto'] },
  { code: 'JP', suffixes: ['K.K.', 'Co., Ltd.'], cities: ['Tokyo', 'Osaka', 'Nagoya'] },
  { code: 'CN', suffixes: ['Co., Ltd.', 'Group'], cities: ['Beijing', 'Shanghai', 'Shenzhen'] },
  { code: 'IN', suffixes: ['Pvt Ltd', 'Ltd'], cities: ['Bengaluru', 'Pune', 'Chennai'] },
  { code: 'US', suffixes: ['Inc.', 'LLC', 'Corp.'], cities: ['Austin', 'Denver', 'Boston'] },
  { code: 'TR', suffixes: ['A.Ş.', 'Ltd. Şti.'], cities: ['İstanbul', 'Ankara', 'İzmir'] },
  { code: 'PL', suffixes: ['Sp. z o.o.', 'S.A.'], cities: ['Kraków', 'Łódź', 'Gdańsk'] },
  { code: 'NL', suffixes: ['B.V.', 'N.V.'], cities: ['Amsterdam', 'Utrecht', 'Eindhoven'] },
  { code: 'SE', suffixes: ['AB'], cities: ['Göteborg', 'Malmö', 'Stockholm'] },
  { code: 'IT', suffixes: ['S.p.A.', 'S.r.l.'], cities: ['Milano', 'Torino', 'Forlì'] },
] as const;

const FIRST = [
  'Acme',
  'Nordic',
  'Global',
  'Société',
  'Müller',
  'Zürich',
  'Atlântico',
  'Pacific',
  'Crédit',
  'Telefónica',
  'Sakura',
  'Orion',
  'Helios',
  'Vértice',
  'Blue',
  'Green',
  'Quantum',
  'Straße',
  'Øresund',
  'Ñandú',
  'Polar',
  'Aurora',
  'Summit',
  'Falcon',
  'Cedar',
  'Granite',
  'Delta',
  'Meridian',
  'Evergreen',
  'Cobalt',
  'Fjord',
  'Lumière',
  'Castelo',
  'Kaizen',
  'Vanguard',
  'Pioneer',
  'Sterling',
  'Harbor',
  'Kestrel',
  'Marlin',
] as const;
const SECOND = [
  'Data',
  'Informatique',
  'Sistemas',
  'Tecnologia',
  'Digital',
  'Cloud',
  'Network',
  'Systems',
  'Software',
  'Datadrift',
  'Technik',
  'Services',
  'Solutions',
  'Infra',
  'Operations',
  'Consulting',
  'Telecom',
  'Computing',
  'Analytics',
  'Hosting',
] as const;
const SECTOR = [
  'IT Services',
  'Managed Services',
  'Outsourcing',
  'Service Desk',
  'Data Centre',
  'Serviços',
  'Dienstleistungen',
  'Services Généraux',
  '',
] as const;
const SCOPES = [
  'The provision of managed IT services, service desk and infrastructure support to external customers',
  'Design, transition and operation of cloud hosting services',
  'Application management and support services for internal business units',
  'Data centre operations, network and end-user computing services',
  'The service management system supporting payment processing services',
] as const;

export interface FakeOrganization {
  legalName: string;
  otherNames: string[];
  country: string;
  city: string;
  publicListing: boolean;
}

export function fakeOrganization(random: () => number, index: number): FakeOrganization {
  const country = pick(random, COUNTRIES);
  const sector = pick(random, SECTOR);
  const base = `${pick(random, FIRST)} ${pick(random, SECOND)}${sector ? ` ${sector}` : ''}`;
  // a number in some names keeps 60,000 of them from collapsing onto a few thousand combinations
  const legalName = `${base}${index % 3 === 0 ? ` ${1 + (index % 97)}` : ''} ${pick(random, country.suffixes)}`;
  return {
    legalName,
    otherNames: random() < 0.2 ? [base.split(' ')[0] + ' ' + pick(random, SECOND)] : [],
    country: country.code,
    city: pick(random, country.cities),
    publicListing: random() < 0.85,
  };
}

export function fakeScope(random: () => number): string {
  return pick(random, SCOPES);
}

/** A typo as people make them: one letter dropped, doubled or swapped (for search benchmarks and tests). */
export function withTypo(random: () => number, text: string): string {
  if (text.length < 5) return text;
  const i = 1 + Math.floor(random() * (text.length - 2));
  const kind = Math.floor(random() * 3);
  if (kind === 0) return text.slice(0, i) + text.slice(i + 1);
  if (kind === 1) return text.slice(0, i) + text[i] + text.slice(i);
  return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
}

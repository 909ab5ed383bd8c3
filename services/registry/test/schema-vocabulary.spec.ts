import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RCB_STATUSES } from '@iso20000/scheme';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { CERTIFICATION_STANDARDS, CERTIFICATION_STATUSES } from '../src/domain/certification-lifecycle';

const schema = parse(readFileSync(join(__dirname, '../src/schema.graphql'), 'utf8'));
const enumValues = (name: string) =>
  schema.definitions
    .filter((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === name)
    .flatMap((d) => d.values?.map((v) => v.name.value) ?? []);

it('publishes the scheme’s RCB statuses and the lifecycle’s own words, as the code has them', () => {
  expect(enumValues('RegistryRcbStatus')).toEqual([...RCB_STATUSES]);
  expect(enumValues('OrganizationCertificationStatus')).toEqual([...CERTIFICATION_STATUSES]);
  expect(enumValues('CertificationStandard')).toEqual([...CERTIFICATION_STANDARDS]);
});

import { scalarResolvers } from '@iso20000/service-kit';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { Resolvers } from '../generated/graphql';
import { badgeResolvers } from './badge.resolvers';
import { certificateResolvers } from './certificate.resolvers';
import { hardCopyOrderResolvers } from './hard-copy-order.resolvers';

function literalValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.LIST:
      return ast.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalValue(field.value)]));
    default:
      return null;
  }
}

/** Output-only in this schema (JWKS, credential documents): passed through as JSON. */
const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Arbitrary JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalValue,
});

export const resolvers: Resolvers = {
  ...scalarResolvers,
  JSON: JSONScalar,
  Query: { ...certificateResolvers.Query, ...badgeResolvers.Query, ...hardCopyOrderResolvers.Query },
  Mutation: {
    ...certificateResolvers.Mutation,
    ...badgeResolvers.Mutation,
    ...hardCopyOrderResolvers.Mutation,
  },
  Certificate: certificateResolvers.Certificate,
  CertificateCredential: certificateResolvers.CertificateCredential,
  Candidate: certificateResolvers.Candidate,
  Sitting: certificateResolvers.Sitting,
  CertificateBadge: badgeResolvers.CertificateBadge,
  CertificateBadgePage: badgeResolvers.CertificateBadgePage,
  HardCopyOrder: hardCopyOrderResolvers.HardCopyOrder,
};

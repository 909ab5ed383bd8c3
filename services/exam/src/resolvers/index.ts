import { scalarResolvers } from '@iso20000/service-kit';
import type { Resolvers } from '../generated/graphql';
import { candidateResolvers } from './candidate.resolvers';
import { examSessionResolvers } from './exam-session.resolvers';
import { examResolvers } from './exam.resolvers';
import { moneyResolvers } from './money';
import { sittingResolvers } from './sitting.resolvers';

type ResolverMap = Record<string, Record<string, unknown>>;

/** Merges resolver maps type by type (several files contribute to Query and Mutation). */
export function mergeResolvers(...maps: object[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map as ResolverMap)) {
      merged[type] = type in scalarResolvers ? fields : { ...(merged[type] ?? {}), ...fields };
    }
  }
  return merged;
}

const examServiceResolvers: Resolvers[] = [
  examResolvers,
  examSessionResolvers,
  sittingResolvers,
  candidateResolvers,
];

export const resolvers = mergeResolvers(scalarResolvers, moneyResolvers, ...examServiceResolvers);

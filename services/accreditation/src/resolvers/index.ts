import { scalarResolvers } from '@iso20000/service-kit';
import type { Resolvers } from '../generated/graphql';
import { atoResolvers } from './ato.resolvers';
import { courseResolvers } from './course.resolvers';
import { rcbCredentialResolvers } from './rcb-credential.resolvers';
import { rcbResolvers } from './rcb.resolvers';
import { trainerResolvers } from './trainer.resolvers';
import { trainingProviderResolvers } from './training-provider.resolvers';

/** Merges the per-type resolver modules (several contribute fields to Ato, Rcb and Mutation). */
function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      merged[typeName] = { ...(merged[typeName] ?? {}), ...(fields as Record<string, unknown>) };
    }
  }
  return merged as Resolvers;
}

export const resolvers: Resolvers = mergeResolvers(
  { Date: scalarResolvers.Date, DateTime: scalarResolvers.DateTime },
  atoResolvers,
  rcbResolvers,
  rcbCredentialResolvers,
  courseResolvers,
  trainerResolvers,
  trainingProviderResolvers,
);

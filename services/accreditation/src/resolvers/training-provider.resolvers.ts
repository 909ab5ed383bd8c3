import { clampPageSize } from '@iso20000/service-kit';
import { examReferences } from '../exam-reference';
import type { Resolvers } from '../generated/graphql';
import { findTrainingProviders } from '../queries/find-training-providers';

export const trainingProviderResolvers: Resolvers = {
  Query: {
    trainingProviders: (_parent, { filter, first, after }, context) =>
      findTrainingProviders(context, filter, clampPageSize(first), after),
    courseExamLevels: () =>
      examReferences().map((level) => ({
        examCode: level.code,
        name: level.name,
        languages: [...level.languages],
        selfStudyAllowed: level.selfStudyAllowed,
        trainerEligibilityPercentage: level.trainerEligibilityPercentage,
      })),
  },
};

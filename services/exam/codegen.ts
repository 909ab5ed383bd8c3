import { subgraphCodegenConfig } from '../../tools/dev/src/codegen-config';

// Resolver types for this subgraph; `mappers` names the model each GraphQL type resolves from.
export default subgraphCodegenConfig({
  Exam: '../entities/exam.entity#ExamEntity',
  ExamForm: '../entities/exam-form.entity#ExamFormEntity',
  ExamAnswerKey: '../domain/marking#AnswerKey',
  ExamPrice: '../entities/exam-price.entity#ExamPriceEntity',
  ExamMoney: '../resolvers/money#MoneyModel',
  ExamSession: '../entities/exam-session.entity#ExamSessionEntity',
  Candidate: '../entities/candidate.entity#CandidateEntity',
  Sitting: '../entities/sitting.entity#SittingEntity',
  SittingPrerequisite: '../entities/sitting.entity#SittingEntity',
  SittingResult: '../entities/sitting.entity#SittingEntity',
  SittingItemResponse: '../entities/item-response.entity#ItemResponseEntity',
  SittingTransition: '../entities/sitting-transition.entity#SittingTransitionEntity',
  Ato: '../resolvers/references#AtoReference',
  ReleaseSessionResultsPayload: '../resolvers/sitting.resolvers#ReleaseSessionResultsModel',
  // the statistics feature's types (src/statistics/statistics.graphql)
  ExamStatisticsResult: '../statistics/statistics.models#ExamStatisticsResultModel',
  ExamStatisticsGroup: '../statistics/statistics.models#ExamStatisticsGroupModel',
  ExamStatisticsGroupKey: '../statistics/statistics.models#ExamStatisticsGroupKeyModel',
  ExamScoreBucket: '../statistics/statistics.models#ScoreBucketModel',
  ExamItemAnalysis: '../statistics/statistics.models#ItemAnalysisModel',
  ExamFormStatistics: '../statistics/statistics.models#FormStatisticsModel',
  ExamItemLanguageStatistics: '../statistics/statistics.models#ItemLanguageStatisticsModel',
  ExamItemStatistics: '../statistics/statistics.models#ItemStatisticsModel',
  ExamItemOptionShare: '../statistics/statistics.models#ItemOptionShareModel',
  ExamItemDif: '../statistics/dif.models#DifAnalysisModel',
  ExamDifComparison: '../statistics/dif.models#DifComparisonModel',
  ExamDifItemStatistics: '../statistics/dif.models#DifItemModel',
  ExamDifReviewItem: '../statistics/dif.models#DifReviewItemModel',
});

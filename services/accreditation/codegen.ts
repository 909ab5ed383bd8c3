import { subgraphCodegenConfig } from '../../tools/dev/src/codegen-config';

// Resolver types for this subgraph; `mappers` names the model each GraphQL type resolves from.
export default subgraphCodegenConfig({
  Ato: '../entities/ato.entity#AtoEntity',
  Rcb: '../entities/rcb.entity#RcbEntity',
  Course: '../entities/course.entity#CourseEntity',
  Trainer: '../entities/trainer.entity#TrainerEntity',
  RcbCredential: '../entities/rcb-credential.entity#RcbCredentialEntity',
  AtoStatusChange: '../entities/ato-status-change.entity#AtoStatusChangeEntity',
  RcbStatusChange: '../entities/rcb-status-change.entity#RcbStatusChangeEntity',
  TrainingProviderEdge: '../queries/find-training-providers#TrainingProviderEdgeModel',
});

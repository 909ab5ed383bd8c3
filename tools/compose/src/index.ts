export {
  composeSupergraph,
  checkSupergraph,
  subgraphSdl,
  SUBGRAPHS,
  committedSupergraphPath,
  type CompositionResult,
  type SupergraphCheck,
} from './compose';

export {
  composeSupergraph,
  checkSupergraph,
  subgraphSdl,
  committedSupergraphPath,
  type CompositionResult,
  type SupergraphCheck,
} from './compose';

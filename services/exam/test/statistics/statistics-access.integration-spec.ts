import type { Viewer } from '@iso20000/auth';
import { errorCodes, viewers } from '@iso20000/testing';
import {
  ANALYST,
  SCHEME_STAFF,
  startStatisticsTestServer,
  type StatisticsTestServer,
} from './statistics-test-server';
import { id } from './statistics-fixtures';

const EXAM_STATISTICS = `query { examStatistics(groupBy: [EXAM]) { minGroupSize total { sittings } groups { totalCount } csv } }`;
const ITEM_ANALYSIS = `query { itemAnalysis(formId: "${id('F1')}") { formId suppressed csv } }`;
const PASS_MARK = `query { examPassMarkPrecision { exam sittings } }`;
const FUNNEL = `query { atoPassRateFunnel(exam: FOUNDATION) { schemeSittings points { totalCount } } }`;
const DRIFT = `query { atoItemDrift(formId: "${id('F1')}", atoId: "${id('A1')}") { suppressed } }`;
const ITEM_DIF = `query { itemDif(formId: "${id('F1')}", translationFormIds: ["${id('F2')}"]) { formId comparisons { focalGroup } } }`;

const refused: Array<[string, Viewer]> = [
  ['a candidate', viewers.candidate()],
  ['ATO staff', viewers.atoStaff('ato-1')],
  ['an RCB integration', viewers.rcbIntegration('rcb-1')],
  ['the public', viewers.public],
];

describe('who may read exam statistics', () => {
  let server: StatisticsTestServer;
  beforeAll(async () => {
    server = await startStatisticsTestServer();
  });
  afterAll(() => server.dispose());

  it.each(refused)('refuses %s every statistics query with FORBIDDEN and no data', async (_name, viewer) => {
    for (const query of [EXAM_STATISTICS, ITEM_ANALYSIS, ITEM_DIF, PASS_MARK, FUNNEL, DRIFT]) {
      const result = await server.run(viewer, query);
      expect(errorCodes(result)).toEqual(['FORBIDDEN']);
      // root fields are nullable (docs/schema-guidelines.md): the refused field is null, nothing else answers
      expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
    }
  });

  it.each([
    ['an analyst', ANALYST],
    ['scheme staff', SCHEME_STAFF],
  ])('answers %s', async (_name, viewer) => {
    for (const query of [EXAM_STATISTICS, ITEM_ANALYSIS, ITEM_DIF, PASS_MARK, FUNNEL, DRIFT]) {
      const result = await server.run(viewer, query);
      expect(result.errors).toBeUndefined();
      expect(result.data).not.toBeNull();
    }
  });
});

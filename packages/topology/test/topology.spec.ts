import { DEFAULT_PORTS, PROCESSES, SUBGRAPH_SERVICES, streamOf, urlVariableOf } from '../src';

describe('topology', () => {
  it('gives every process its own port', () => {
    const ports = PROCESSES.map((name) => DEFAULT_PORTS[name]);
    expect(new Set(ports).size).toBe(PROCESSES.length);
  });

  it('names one stream per subgraph service', () => {
    expect(SUBGRAPH_SERVICES.map(streamOf)).toEqual([
      'EXAM',
      'ACCREDITATION',
      'CERTIFICATE',
      'REGISTRY',
      'NOTIFICATIONS',
    ]);
  });

  it("names the gateway's URL variable of each subgraph", () => {
    expect(SUBGRAPH_SERVICES.map(urlVariableOf)).toEqual([
      'EXAM_URL',
      'ACCREDITATION_URL',
      'CERTIFICATE_URL',
      'REGISTRY_URL',
      'NOTIFICATIONS_URL',
    ]);
  });
});

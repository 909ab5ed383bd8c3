/**
 * The processes of the system and where they listen by default: the one list that the gateway,
 * the events package, the dev launcher, composition and the benchmarks read.
 */

/** The subgraph services, in composition order; each owns one database and one event stream. */
export const SUBGRAPH_SERVICES = [
  'exam',
  'accreditation',
  'certificate',
  'registry',
  'notifications',
] as const;
export type SubgraphServiceName = (typeof SUBGRAPH_SERVICES)[number];

/** Every long-running process `npm start` runs. */
export const PROCESSES = [...SUBGRAPH_SERVICES, 'gateway', 'web'] as const;
export type ProcessName = (typeof PROCESSES)[number];

/** Default ports (development and `npm start`); deployments set PORT per process. */
export const DEFAULT_PORTS: Readonly<Record<ProcessName, number>> = {
  gateway: 4000,
  exam: 4001,
  accreditation: 4002,
  certificate: 4003,
  registry: 4004,
  notifications: 4005,
  web: 4010,
};

/** The JetStream stream a service publishes to: its name in capitals (`exam` -> `EXAM`). */
export function streamOf(service: SubgraphServiceName): string {
  return service.toUpperCase();
}

/** The subgraph's name in the supergraph (`join__Graph` enum value). */
export function graphNameOf(service: SubgraphServiceName): string {
  return service.toUpperCase();
}

/** The variable that tells the gateway where a subgraph listens: `exam` -> `EXAM_URL`. */
export function urlVariableOf<S extends SubgraphServiceName>(service: S): `${Uppercase<S>}_URL` {
  return `${service.toUpperCase()}_URL` as `${Uppercase<S>}_URL`;
}

/** The database a service owns by default (one per service). */
export function databaseOf(service: SubgraphServiceName): string {
  return service;
}

export function isSubgraphService(name: string): name is SubgraphServiceName {
  return (SUBGRAPH_SERVICES as readonly string[]).includes(name);
}

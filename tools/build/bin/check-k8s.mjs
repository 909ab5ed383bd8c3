#!/usr/bin/env node
// CI's check of deploy/k8s: renders every overlay with `kubectl kustomize` (secrets from their
// committed *.example files, in a temporary copy) and validates every object against the Kubernetes
// OpenAPI schemas (kubernetes-models). CloudNativePG's Cluster and Pooler have no published models:
// their required fields are checked here. Then what the schemas cannot say: every Deployment has
// probes, resources, a PodDisruptionBudget and an autoscaler; every referenced Secret and ConfigMap
// is in the render; subgraphs take traffic only from the gateway; each overlay's topology.
//   node tools/build/bin/check-k8s.mjs [overlay...]        (K8S_DIR: another deploy/k8s to check)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { workspaceRoot } from '../src/projects.mjs';

const k8s = process.env.K8S_DIR ?? join(workspaceRoot, 'deploy', 'k8s');
const overlays = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(join(k8s, 'overlays'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);

function materializeExamples(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) materializeExamples(path);
    else if (entry.name.endsWith('.example')) copyFileSync(path, path.slice(0, -'.example'.length));
  }
}

export function render(overlay) {
  const copy = mkdtempSync(join(tmpdir(), 'iso20000-k8s-'));
  try {
    cpSync(k8s, copy, { recursive: true });
    materializeExamples(copy);
    const yaml = execFileSync('kubectl', ['kustomize', join(copy, 'overlays', overlay)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return parseAllDocuments(yaml).map((doc) => {
      if (doc.errors.length) throw new Error(doc.errors.join('\n'));
      return doc.toJSON();
    });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const crdChecks = {
  'postgresql.cnpg.io/v1/Cluster': (object, problem) => {
    if (!Number.isInteger(object.spec?.instances) || object.spec.instances < 1) problem('spec.instances');
    if (!object.spec?.storage?.size) problem('spec.storage.size');
  },
  'postgresql.cnpg.io/v1/Pooler': (object, problem) => {
    if (!object.spec?.cluster?.name) problem('spec.cluster.name');
    if (!['rw', 'ro'].includes(object.spec?.type)) problem('spec.type (rw or ro)');
    if (!['session', 'transaction'].includes(object.spec?.pgbouncer?.poolMode))
      problem('spec.pgbouncer.poolMode');
  },
  'postgresql.cnpg.io/v1/Database': (object, problem) => {
    if (!object.spec?.cluster?.name) problem('spec.cluster.name');
    if (!object.spec?.name) problem('spec.name');
    if (!object.spec?.owner) problem('spec.owner');
  },
};

async function validateSchema(object, problems) {
  const where = `${object.kind}/${object.metadata?.name}`;
  const key = `${object.apiVersion}/${object.kind}`;
  if (crdChecks[key]) {
    crdChecks[key](object, (field) => problems.push(`${where}: ${field} is missing or invalid`));
    return;
  }
  let model;
  try {
    model = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
  } catch {
    problems.push(`${where}: no schema for ${key}`);
    return;
  }
  // kustomize wraps long base64 values; the API server's decoder skips the line breaks.
  if (object.kind === 'Secret' && object.data) {
    object = {
      ...object,
      data: Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, v.replace(/\s+/g, '')])),
    };
  }
  try {
    new model[object.kind](object).validate();
  } catch (error) {
    problems.push(`${where}: ${error.message}`);
  }
}

const matches = (selector = {}, labels = {}) =>
  Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
  (selector.matchExpressions ?? []).every(
    (expression) => expression.operator === 'In' && expression.values.includes(labels[expression.key]),
  );

function checkWorkloads(objects, problems) {
  const named = (kind) => objects.filter((object) => object.kind === kind);
  const names = (kind) => new Set(named(kind).map((object) => object.metadata.name));
  const secrets = names('Secret');
  const configMaps = names('ConfigMap');
  const external = new Set(); // objects an operator creates (none expected)
  for (const workload of [...named('Deployment'), ...named('StatefulSet')]) {
    const where = `${workload.kind}/${workload.metadata.name}`;
    const pod = workload.spec.template;
    for (const container of pod.spec.containers) {
      if (!container.readinessProbe) problems.push(`${where}: ${container.name} has no readinessProbe`);
      if (!container.livenessProbe) problems.push(`${where}: ${container.name} has no livenessProbe`);
      if (!container.resources?.requests || !container.resources?.limits?.memory) {
        problems.push(`${where}: ${container.name} needs resource requests and a memory limit`);
      }
      for (const env of container.env ?? []) {
        const secret = env.valueFrom?.secretKeyRef?.name;
        if (secret && !secrets.has(secret) && !external.has(secret))
          problems.push(`${where}: Secret ${secret} is not rendered`);
        const configMap = env.valueFrom?.configMapKeyRef?.name;
        if (configMap && !configMaps.has(configMap))
          problems.push(`${where}: ConfigMap ${configMap} is not rendered`);
      }
      for (const from of container.envFrom ?? []) {
        if (from.configMapRef && !configMaps.has(from.configMapRef.name)) {
          problems.push(`${where}: ConfigMap ${from.configMapRef.name} is not rendered`);
        }
      }
    }
    for (const volume of pod.spec.volumes ?? []) {
      if (volume.configMap && !configMaps.has(volume.configMap.name)) {
        problems.push(`${where}: ConfigMap ${volume.configMap.name} (volume) is not rendered`);
      }
    }
    const labels = pod.metadata.labels;
    if (!named('PodDisruptionBudget').some((pdb) => matches(pdb.spec.selector, labels))) {
      problems.push(`${where}: no PodDisruptionBudget selects it`);
    }
    if (
      workload.kind === 'Deployment' &&
      !named('HorizontalPodAutoscaler').some(
        (hpa) =>
          hpa.spec.scaleTargetRef.kind === 'Deployment' &&
          hpa.spec.scaleTargetRef.name === workload.metadata.name,
      )
    ) {
      problems.push(`${where}: no HorizontalPodAutoscaler scales it`);
    }
  }
  // Subgraphs answer only the gateway: some policy selects every subgraph pod and admits only it.
  const subgraphs = named('Deployment').filter(
    (deployment) => deployment.spec.template.metadata.labels['app.kubernetes.io/component'] === 'subgraph',
  );
  if (subgraphs.length < 4)
    problems.push(`expected the four subgraphs labelled component=subgraph, found ${subgraphs.length}`);
  const denyAll = named('NetworkPolicy').some(
    (policy) => Object.keys(policy.spec.podSelector ?? {}).length === 0 && !policy.spec.ingress,
  );
  if (!denyAll) problems.push('no default-deny ingress NetworkPolicy');
  for (const subgraph of subgraphs) {
    const labels = subgraph.spec.template.metadata.labels;
    const policies = named('NetworkPolicy').filter(
      (policy) => policy.spec.ingress && matches(policy.spec.podSelector, labels),
    );
    const httpSources = policies.flatMap((policy) =>
      policy.spec.ingress
        .filter((rule) => (rule.ports ?? []).some((port) => port.port === 'http'))
        .flatMap((rule) => rule.from ?? [{ everyone: true }]),
    );
    const onlyGateway =
      httpSources.length > 0 &&
      httpSources.every(
        (source) => source.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'gateway',
      );
    if (!onlyGateway)
      problems.push(`Deployment/${subgraph.metadata.name}: http is reachable from more than the gateway`);
  }
}

const topology = {
  'single-node': (objects, problems) => {
    if (!objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres')) {
      problems.push('single-node: no PostgreSQL StatefulSet');
    }
  },
  ha: (objects, problems) => {
    const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name.startsWith(name));
    if (find('StatefulSet', 'nats')?.spec.replicas !== 3) problems.push('ha: NATS must run three servers');
    const config = find('ConfigMap', 'iso20000-config');
    if (config?.data.STREAM_REPLICAS !== '3') problems.push('ha: STREAM_REPLICAS must be 3');
    const pooler = objects.find((o) => o.kind === 'Pooler');
    if (!pooler || config?.data.PG_HOST !== pooler.metadata.name)
      problems.push('ha: services must reach PostgreSQL through the Pooler');
    if (!(objects.find((o) => o.kind === 'Cluster')?.spec.instances >= 3))
      problems.push('ha: the Cluster needs three instances');
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      if (deployment.spec.replicas < 2)
        problems.push(`ha: Deployment/${deployment.metadata.name} needs two replicas`);
    }
  },
};

let failed = false;
for (const overlay of overlays) {
  const objects = render(overlay);
  const problems = [];
  for (const object of objects) await validateSchema(object, problems);
  checkWorkloads(objects, problems);
  topology[overlay]?.(objects, problems);
  const kinds = {};
  for (const object of objects) kinds[object.kind] = (kinds[object.kind] ?? 0) + 1;
  if (problems.length) {
    failed = true;
    console.error(`${overlay}: ${problems.length} problems\n  ${problems.join('\n  ')}`);
  } else {
    console.log(
      `${overlay}: ${objects.length} objects valid (${Object.entries(kinds)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')})`,
    );
  }
}
process.exit(failed ? 1 : 0);

import type {
  FetchNode,
  FlattenNode,
  PlanNode,
  QueryPlan,
  QueryPlanSelectionNode,
} from '@apollo/query-planner';
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * A query plan the gateway executes itself, without Apollo Gateway's executor: the same fetches, sent
 * with the same bodies, merged the same way, and the answer shaped by a function built once from the
 * client's operation instead of walking an Operation built per request (operationFromDocument) and
 * checking every value against the schema with directive lookups (computeResponse).
 *
 * Only what this can answer byte for byte as the planned path would is compiled: a query whose plan
 * is fetches, sequences, parallels and flattens (no conditions, no @defer, no rewrites), whose entity
 * inputs are plain fields of object types, and whose selections, fragments included, touch object
 * types only (no interfaces or unions), no directives and no introspection. And it is only answered
 * here when everything went well: a subgraph that answers with errors, a status other than 200, a
 * Retry-After, something that is not GraphQL, a null where the schema says non-null, or a value of the
 * wrong type, makes the whole request go through Apollo Server instead (`NotHere`), which answers
 * those as it always has. Queries only, so a request taken back is merely read twice.
 */
export interface CompiledPlan {
  /** The operation's variables as the planned path declares them, for coercion before anything is sent. */
  readonly variableDefinitions: readonly VariableDefinitionNode[];
  /** Executes the plan through `send` and returns the client's `data`, shaped. Throws NotHere. */
  execute(variables: Readonly<Record<string, unknown>>, send: SendFetch): Promise<unknown>;
}

/** Sends one fetch to its subgraph and returns its `data`, or throws NotHere when the answer is not plainly good. */
export type SendFetch = (subgraph: string, body: string) => Promise<Record<string, unknown>>;

/** This request is answered by Apollo Server's planned path after all. */
export class NotHere extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotHere';
  }
}

type Step =
  | { kind: 'fetch'; fetch: CompiledFetch }
  | { kind: 'sequence'; steps: Step[] }
  | { kind: 'parallel'; steps: Step[] }
  | { kind: 'flatten'; path: string[]; step: Step }
  | { kind: 'entities'; fetch: CompiledFetch; parts: EntityPart[] };

/** One of the parallel entity fetches sent together: where its entities are, and their inputs. */
interface EntityPart {
  path: string[];
  requires: readonly Representation[];
}

interface CompiledFetch {
  subgraph: string;
  /** The body's fixed start: `{"query":<operation>,"variables":` (the order SubgraphDataSource writes). */
  prefix: string;
  /** The body's fixed end: `,"operationName":<name>}` or `}`. */
  suffix: string;
  variableUsages: readonly string[];
  requires?: readonly Representation[];
}

/** An entity input: fields of one object type, read from the entity as Apollo's executeSelectionSet does. */
interface Representation {
  typename: string;
  fields: readonly RepresentationField[];
}
interface RepresentationField {
  key: string;
  fields?: readonly RepresentationField[];
}

/** How one response value is checked and copied, built from the client's selection and the API schema. */
type ValueShape =
  | { nonNull: boolean; kind: 'leaf'; valid: (value: unknown) => boolean }
  | { nonNull: boolean; kind: 'list'; item: ValueShape }
  | { nonNull: boolean; kind: 'object'; typename: string; fields: readonly FieldShape[] };

interface FieldShape {
  key: string;
  /** `__typename`: always the object's own type, as no abstract type is compiled. */
  typename?: string;
  shape?: ValueShape;
}

/** Compiles a plan, or returns null when it has anything this executor does not do exactly as Apollo's. */
export function compilePlan(
  plan: QueryPlan,
  document: DocumentNode,
  operationName: string | undefined,
  apiSchema: GraphQLSchema,
): CompiledPlan | null {
  const node = plan.node;
  if (!node || node.kind === 'Subscription') return null;
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'query' || operation.directives?.length) return null;
  const root = apiSchema.getQueryType();
  if (!root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const step = compileStep(node);
  if (!step) return null;
  const fields = compileSelection(root, [operation.selectionSet], fragments, apiSchema);
  if (!fields) return null;
  const variableDefinitions = operation.variableDefinitions ?? [];
  return {
    variableDefinitions,
    async execute(variables, send) {
      const data: Record<string, unknown> = {};
      await run(step, data, { variables, send });
      return shapeObject(fields, root.name, data);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The plan.

function compileStep(node: PlanNode): Step | null {
  switch (node.kind) {
    case 'Fetch': {
      const fetch = compileFetch(node);
      return fetch && { kind: 'fetch', fetch };
    }
    case 'Sequence': {
      const steps = compileEach(node.nodes);
      return steps && { kind: 'sequence', steps };
    }
    case 'Parallel': {
      const others: PlanNode[] = [];
      const bySubgraph = new Map<string, FlattenNode[]>();
      for (const child of node.nodes) {
        if (child.kind === 'Flatten' && child.node.kind === 'Fetch' && child.node.requires) {
          const group = bySubgraph.get(child.node.serviceName);
          if (group) group.push(child);
          else bySubgraph.set(child.node.serviceName, [child]);
        } else others.push(child);
      }
      const steps = compileEach(others);
      if (!steps) return null;
      for (const group of [...bySubgraph.values()].flatMap(disjointTypeSets)) {
        const merged = group.length > 1 ? mergeEntityFetches(group) : null;
        const compiled = merged ? [merged] : compileEach(group);
        if (!compiled) return null;
        steps.push(...compiled);
      }
      return { kind: 'parallel', steps };
    }
    case 'Flatten': {
      if (!node.path.every((part): part is string => typeof part === 'string')) return null;
      const step = compileStep(node.node);
      return step && { kind: 'flatten', path: node.path, step };
    }
    default:
      return null; // Condition (@skip/@include) and Defer.
  }
}

function compileFetch(fetch: FetchNode): CompiledFetch | null {
  if (fetch.operationKind !== 'query' || fetch.hasDefers) return null;
  if (fetch.inputRewrites?.length || fetch.outputRewrites?.length || fetch.contextRewrites?.length)
    return null;
  let requires: Representation[] | undefined;
  if (fetch.requires) {
    requires = [];
    for (const selection of fetch.requires) {
      // Each entity input is `... on T { fields }`; an interface as T would need the supergraph's subtypes.
      if (selection.kind !== 'InlineFragment' || !selection.typeCondition) return null;
      const fields = representationFields(selection.selections);
      if (!fields) return null;
      requires.push({ typename: selection.typeCondition, fields });
    }
  }
  return {
    subgraph: fetch.serviceName,
    prefix: `{"query":${JSON.stringify(fetch.operation)},"variables":`,
    suffix:
      fetch.operationName === undefined ? '}' : `,"operationName":${JSON.stringify(fetch.operationName)}}`,
    variableUsages: fetch.variableUsages ?? [],
    requires,
  };
}

/** Each node's step, in order; null when one of them cannot be compiled. */
function compileEach(nodes: readonly PlanNode[]): Step[] | null {
  const steps: Step[] = [];
  for (const node of nodes) {
    const step = compileStep(node);
    if (!step) return null;
    steps.push(step);
  }
  return steps;
}

/** Entity fetches in sets whose entity types do not overlap (first fit, in plan order). */
function disjointTypeSets(flattens: readonly FlattenNode[]): FlattenNode[][] {
  const sets: Array<{ members: FlattenNode[]; typenames: Set<string> }> = [];
  for (const flatten of flattens) {
    const typenames = requiredTypenames(flatten.node as FetchNode);
    let set = sets.find((candidate) => typenames.every((typename) => !candidate.typenames.has(typename)));
    if (!set) sets.push((set = { members: [], typenames: new Set() }));
    set.members.push(flatten);
    for (const typename of typenames) set.typenames.add(typename);
  }
  return sets.map((set) => set.members);
}

function requiredTypenames(fetch: FetchNode): string[] {
  return (fetch.requires ?? []).map((selection) =>
    selection.kind === 'InlineFragment' ? (selection.typeCondition ?? '') : '',
  );
}

/**
 * Parallel entity fetches to one subgraph, for entities of different types, sent as one `_entities`
 * call: the candidate's dashboard asked `certificate` twice at once (the candidate's certificates and
 * each sitting's), each call costing the gateway and the subgraph a whole request. The answers are
 * the entities' in the order of their representations, so each part takes back its own. Merged only
 * when both operations are a bare `_entities(representations: $representations)` of inline fragments
 * on disjoint types with compatible variables: each entity gets exactly the fields it got alone.
 */
function mergeEntityFetches(group: readonly FlattenNode[]): Step | null {
  const parts: EntityPart[] = [];
  const typenames = new Set<string>();
  const fragments: InlineFragmentNode[] = [];
  const variables = new Map<string, VariableDefinitionNode>();
  const usages = new Set<string>();
  let first: OperationDefinitionNode | undefined;
  let firstFetch: FetchNode | undefined;
  for (const flatten of group) {
    const fetch = flatten.node as FetchNode;
    if (!flatten.path.every((part): part is string => typeof part === 'string')) return null;
    const compiled = compileFetch(fetch);
    if (!compiled?.requires) return null;
    for (const { typename } of compiled.requires) {
      if (typenames.has(typename)) return null;
      typenames.add(typename);
    }
    const operation = bareEntitiesOperation(fetch.operation);
    if (!operation) return null;
    for (const definition of operation.definition.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const known = variables.get(name);
      if (known && print(known.type) !== print(definition.type)) return null;
      variables.set(name, definition);
    }
    fragments.push(...operation.fragments);
    for (const name of fetch.variableUsages ?? []) usages.add(name);
    parts.push({ path: flatten.path, requires: compiled.requires });
    first ??= operation.definition;
    firstFetch ??= fetch;
  }
  if (!first || !firstFetch) return null;
  const entitiesField = first.selectionSet.selections[0];
  if (entitiesField?.kind !== Kind.FIELD || !entitiesField.selectionSet) return null;
  const merged: OperationDefinitionNode = {
    ...first,
    variableDefinitions: [...variables.values()],
    selectionSet: {
      ...first.selectionSet,
      selections: [
        { ...entitiesField, selectionSet: { ...entitiesField.selectionSet, selections: fragments } },
      ],
    },
  };
  const operation = stripIgnoredCharacters(print({ kind: Kind.DOCUMENT, definitions: [merged] }));
  return {
    kind: 'entities',
    parts,
    fetch: {
      subgraph: firstFetch.serviceName,
      prefix: `{"query":${JSON.stringify(operation)},"variables":`,
      suffix:
        firstFetch.operationName === undefined
          ? '}'
          : `,"operationName":${JSON.stringify(firstFetch.operationName)}}`,
      variableUsages: [...usages],
    },
  };
}

/** `query ($representations: [_Any!]!, …) { _entities(representations: $representations) { ... on T { … } … } }`, or null. */
function bareEntitiesOperation(
  text: string,
): { definition: OperationDefinitionNode; fragments: InlineFragmentNode[] } | null {
  const document = parse(text);
  const [definition, ...others] = document.definitions;
  if (others.length || definition?.kind !== Kind.OPERATION_DEFINITION) return null;
  if (definition.operation !== 'query' || definition.directives?.length) return null;
  const [field, ...siblings] = definition.selectionSet.selections;
  if (siblings.length || field?.kind !== Kind.FIELD || field.name.value !== '_entities') return null;
  if (field.alias || field.directives?.length || !field.selectionSet) return null;
  const [argument, ...moreArguments] = field.arguments ?? [];
  if (moreArguments.length || argument?.name.value !== 'representations') return null;
  if (argument.value.kind !== Kind.VARIABLE || argument.value.name.value !== 'representations') return null;
  const fragments: InlineFragmentNode[] = [];
  for (const selection of field.selectionSet.selections) {
    if (selection.kind !== Kind.INLINE_FRAGMENT || !selection.typeCondition || selection.directives?.length)
      return null;
    fragments.push(selection);
  }
  return { definition, fragments };
}

function representationFields(selections: readonly QueryPlanSelectionNode[]): RepresentationField[] | null {
  const fields: RepresentationField[] = [];
  for (const selection of selections) {
    if (selection.kind !== 'Field') return null;
    const key = selection.alias ?? selection.name;
    if (!selection.selections) {
      fields.push({ key });
      continue;
    }
    const nested = representationFields(selection.selections);
    if (!nested) return null;
    fields.push({ key, fields: nested });
  }
  return fields;
}

interface Run {
  variables: Readonly<Record<string, unknown>>;
  send: SendFetch;
}

async function run(step: Step, data: unknown, context: Run): Promise<void> {
  switch (step.kind) {
    case 'sequence':
      for (const child of step.steps) await run(child, data, context);
      return;
    case 'parallel':
      await Promise.all(step.steps.map((child) => run(child, data, context)));
      return;
    case 'flatten': {
      const inner = valuesAt(data, step.path, 0);
      if (inner) await run(step.step, inner, context);
      return;
    }
    case 'fetch':
      return runFetch(step.fetch, data, context);
    case 'entities':
      return runEntityParts(step, data, context);
  }
}

/** Apollo's flattenResultsAtPath: `@` flattens a list, null and undefined stop. */
function valuesAt(value: unknown, path: readonly string[], from: number): unknown {
  if (from === path.length || value === undefined || value === null) return value;
  const part = path[from] as string;
  if (part === '@') {
    if (!Array.isArray(value)) throw new NotHere(`expected a list at ${path.join('.')}`);
    return value.flatMap((element) => valuesAt(element, path, from + 1));
  }
  if (Array.isArray(value) || typeof value !== 'object')
    throw new NotHere(`unexpected value at ${path.join('.')}`);
  return valuesAt(ownValue(value, part), path, from + 1);
}

async function runFetch(fetch: CompiledFetch, data: unknown, context: Run): Promise<void> {
  const entities = presentEntities(data);
  if (entities.length === 0) return;
  const variables = variablesJson(fetch, context);
  if (!fetch.requires) {
    const answer = await context.send(fetch.subgraph, `${fetch.prefix}${variables}}${fetch.suffix}`);
    for (const entity of entities) deepMerge(entity, answer);
    return;
  }
  const representations = representationsOf(entities, fetch.requires);
  if (representations.length === 0) return;
  const received = await sendEntities(fetch, variables, representations, context);
  mergeEntities(entities, received, 0);
}

/** The merged parts' entities, each part's where its own fetch would have found them, in one call. */
async function runEntityParts(
  step: Extract<Step, { kind: 'entities' }>,
  data: unknown,
  context: Run,
): Promise<void> {
  const found = step.parts.map((part) => {
    const inner = valuesAt(data, part.path, 0);
    const entities = inner === undefined || inner === null ? [] : presentEntities(inner);
    return { entities, representations: representationsOf(entities, part.requires) };
  });
  const representations = found.flatMap((part) => part.representations);
  if (representations.length === 0) return;
  const received = await sendEntities(
    step.fetch,
    variablesJson(step.fetch, context),
    representations,
    context,
  );
  let offset = 0;
  for (const part of found) {
    mergeEntities(part.entities, received, offset);
    offset += part.representations.length;
  }
}

/** Where a fetch merges: the entities at its path (nulls skipped), or the value itself. */
function presentEntities(data: unknown): unknown[] {
  return Array.isArray(data) ? data.filter((entity) => entity !== null && entity !== undefined) : [data];
}

/** The client's variables this fetch uses, as the start of a JSON object (`{` and its members). */
function variablesJson(fetch: CompiledFetch, context: Run): string {
  let variables = '{';
  for (const name of fetch.variableUsages) {
    const value = context.variables[name];
    if (value === undefined || !Object.hasOwn(context.variables, name)) continue;
    variables += `${variables.length > 1 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  return variables;
}

function representationsOf(entities: readonly unknown[], requires: readonly Representation[]): unknown[] {
  const representations: unknown[] = [];
  for (const entity of entities) {
    const representation = representationOf(entity, requires);
    if (representation) representations.push(representation);
  }
  // Apollo pairs answers with entities by position when some have no representation; not done here.
  if (representations.length !== 0 && representations.length !== entities.length)
    throw new NotHere('entities without a representation');
  return representations;
}

/**
 * One `_entities` call, answered in the order of `representations`. An entity asked for from several
 * places (every certification of one RCB asks for the same RCB) is sent once: the subgraph resolves
 * and the gateway reads it once, and each place gets its own copy of the answer, as each would from
 * an answer of its own. (Apollo Gateway's executor sends every one: 20 of the same RCB on a page of
 * the registry.)
 */
async function sendEntities(
  fetch: CompiledFetch,
  variables: string,
  representations: readonly unknown[],
  context: Run,
): Promise<unknown[]> {
  if (fetch.variableUsages.includes('representations')) throw new NotHere('a variable named representations');
  const unique: string[] = [];
  const indexOf = new Map<string, number>();
  const slots = representations.map((representation) => {
    const json = JSON.stringify(representation);
    let slot = indexOf.get(json);
    if (slot === undefined) {
      slot = unique.length;
      indexOf.set(json, slot);
      unique.push(json);
    }
    return slot;
  });
  const body = `${fetch.prefix}${variables}${variables.length > 1 ? ',' : ''}"representations":[${unique.join(',')}]}${fetch.suffix}`;
  const answer = await context.send(fetch.subgraph, body);
  const received = answer._entities;
  if (!Array.isArray(received) || received.length !== unique.length)
    throw new NotHere('an _entities answer of the wrong length');
  if (unique.length === representations.length) return received;
  const handedOut = new Set<number>();
  return slots.map((slot) => {
    if (!handedOut.has(slot)) {
      handedOut.add(slot);
      return received[slot];
    }
    // merged into its own entity, later fetches may add to it: never the same object twice
    return copyOfJson(received[slot]);
  });
}

/** A deep copy of a value parsed from JSON. */
function copyOfJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOfJson);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) copy[key] = copyOfJson(field);
  return copy;
}

/** Each entity takes the answer at its position (from `offset`), with the entity's __typename when absent. */
function mergeEntities(entities: readonly unknown[], received: readonly unknown[], offset: number): void {
  for (let index = 0; index < entities.length; index += 1) {
    const entity = entities[index] as Record<string, unknown>;
    const receivedEntity: unknown = received[offset + index];
    if (isPlainObject(receivedEntity) && !receivedEntity.__typename)
      receivedEntity.__typename = entity.__typename;
    deepMerge(entity, receivedEntity);
  }
}

function representationOf(
  entity: unknown,
  requires: readonly Representation[],
): Record<string, unknown> | null {
  if (!isPlainObject(entity)) return null;
  for (const { typename, fields } of requires) {
    if (entity.__typename !== typename) continue;
    return copyFields(entity, fields);
  }
  return null;
}

/** Apollo's executeSelectionSet over fields only: a missing field makes the whole input null. */
function copyFields(source: unknown, fields: readonly RepresentationField[]): Record<string, unknown> | null {
  if (source === null) return null;
  if (!isPlainObject(source)) throw new NotHere('an entity input that is not an object');
  const result: Record<string, unknown> = {};
  for (const field of fields) {
    const value = ownValue(source, field.key);
    if (value === undefined) return null;
    if (!field.fields) result[field.key] = value;
    else if (Array.isArray(value))
      result[field.key] = value.map((element) => copyFields(element, field.fields ?? []));
    else result[field.key] = copyFields(value, field.fields);
  }
  return result;
}

/** Apollo's deepMerge (utilities/deepMerge.js): objects merged, lists of equal length merged by index. */
function deepMerge(target: unknown, source: unknown): void {
  if (source === undefined || source === null) return;
  if (!isPlainObject(target) || !isPlainObject(source))
    throw new NotHere('merging into a value that is not an object');
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    if (key === '__proto__') throw new NotHere('a __proto__ key in an answer');
    const existing = target[key];
    if (existing && isPlainObject(value)) deepMerge(existing, value);
    else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index += 1) {
        if (isPlainObject(existing[index]) && isPlainObject(value[index]))
          deepMerge(existing[index], value[index]);
        else existing[index] = value[index];
      }
    } else target[key] = value;
  }
}

// ---------------------------------------------------------------------------------------------
// The answer's shape.

/** Fields by response name, in the order they first appear, as graphql-js collects them. */
function compileSelection(
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
): FieldShape[] | null {
  const groups = new Map<string, { name: string; sets: SelectionSetNode[] }>();
  const collect = (set: SelectionSetNode): boolean => {
    for (const selection of set.selections) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { name: selection.name.value, sets: [] }));
        if (selection.selectionSet) group.sets.push(selection.selectionSet);
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment || fragment.directives?.length) return false;
      const condition = fragment.typeCondition?.name.value;
      if (condition !== undefined && condition !== type.name) return false;
      if (!collect(fragment.selectionSet)) return false;
    }
    return true;
  };
  for (const set of sets) if (!collect(set)) return null;

  const fields: FieldShape[] = [];
  for (const [key, group] of groups) {
    if (group.name === '__typename') {
      fields.push({ key, typename: type.name });
      continue;
    }
    if (group.name.startsWith('__')) return null; // introspection
    const definition = type.getFields()[group.name];
    if (!definition) return null;
    const shape = compileValue(definition.type, group.sets, fragments, schema);
    if (!shape) return null;
    fields.push({ key, shape });
  }
  return fields;
}

function compileValue(
  type: GraphQLOutputType,
  sets: readonly SelectionSetNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
): ValueShape | null {
  const nonNull = isNonNullType(type);
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const item = compileValue(nullable.ofType, sets, fragments, schema);
    return item && { nonNull, kind: 'list', item };
  }
  if (isObjectType(nullable)) {
    if (sets.length === 0) return null;
    const fields = compileSelection(nullable, sets, fragments, schema);
    return fields && { nonNull, kind: 'object', typename: nullable.name, fields };
  }
  const named = getNamedType(type);
  if (isEnumType(named)) {
    const values = new Set(named.getValues().map((value) => value.name));
    return { nonNull, kind: 'leaf', valid: (value) => typeof value === 'string' && values.has(value) };
  }
  if (isScalarType(named))
    return { nonNull, kind: 'leaf', valid: validScalar(named.name, isSpecifiedScalarType(named)) };
  return null; // interfaces and unions
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** federation-internals' isValidLeafValue, which the planned path's result shaping applies. */
function validScalar(name: string, specified: boolean): (value: unknown) => boolean {
  if (!specified) return () => true;
  switch (name) {
    case 'Boolean':
      return (value) => typeof value === 'boolean';
    case 'Int':
      return (value) => typeof value === 'number' && Number.isFinite(value) && INTEGER.test(String(value));
    case 'ID':
      return (value) =>
        typeof value === 'string' ||
        (typeof value === 'number' && Number.isFinite(value) && INTEGER.test(String(value)));
    case 'Float':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    default: // String
      return (value) => typeof value === 'string';
  }
}

function shapeObject(
  fields: readonly FieldShape[],
  typename: string,
  input: unknown,
): Record<string, unknown> {
  if (!isPlainObject(input)) throw new NotHere('an object expected');
  const seen = input.__typename;
  if (seen !== undefined && seen !== typename)
    throw new NotHere(`__typename ${String(seen)} where ${typename} was planned`);
  const output: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.typename !== undefined) output[field.key] = field.typename;
    else if (field.shape)
      output[field.key] = shapeValue(field.shape, ownValue(input, field.key) ?? null, field.key);
  }
  return output;
}

function shapeValue(shape: ValueShape, input: unknown, key: string): unknown {
  if (input === null || input === undefined) {
    if (shape.nonNull) throw new NotHere(`null for non-null ${key}`);
    return null;
  }
  switch (shape.kind) {
    case 'leaf':
      if (!shape.valid(input)) throw new NotHere(`invalid value for ${key}`);
      return input;
    case 'list':
      if (!Array.isArray(input)) throw new NotHere(`a list expected for ${key}`);
      return input.map((item) => shapeValue(shape.item, item, key));
    case 'object':
      return shapeObject(shape.fields, shape.typename, input);
  }
}

/** A JSON object (not null, not a list). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownValue(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

import { Supergraph } from '@apollo/federation-internals';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  print,
  typeFromAST,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { compilePlan, type CompiledPlan } from './compiled-plans';
import { keptCost, operationCost, PagedOperationCost } from './cost';

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];

/** An operation the gateway may send to one subgraph as the client wrote it. */
export interface SubgraphRoute {
  kind: 'subgraph';
  subgraph: string;
  operationKind: 'query' | 'mutation';
  /** Its cost (src/cost.ts), or its costs by page size when a page size is a variable ($first). */
  cost?: number | PagedOperationCost;
}

/** A query spanning subgraphs whose plan the gateway executes itself (src/compiled-plans.ts). */
export interface PlanRoute {
  kind: 'plan';
  operationKind: 'query';
  plan: CompiledPlan;
  cost?: number | PagedOperationCost;
  /** Requests answered here, and taken back to the planned path (an error, a null): see takeBack. */
  answered: number;
  takenBack: number;
}

export type LearnedRoute = SubgraphRoute | PlanRoute;

export interface RouteKinds {
  /** Operations one subgraph answers as written are sent to it (GATEWAY_SUBGRAPH_ROUTES). */
  subgraphRoutes: boolean;
  /** Other queries are executed from their plan by the gateway's own executor (GATEWAY_COMPILED_PLANS). */
  compiledPlans: boolean;
}

/** A compiled plan counts this many characters per character of its text (its fetches' texts, its shape). */
const PLAN_WEIGHT = 4;

/** A kept syntax tree counts as this many characters per character of its text in the table's bound. */
const DOCUMENT_WEIGHT = 10;

export interface RouteSchemas {
  /** The API schema clients validate against. */
  api: GraphQLSchema;
  /** Each subgraph's own schema, as extracted from the supergraph. */
  subgraphs: ReadonlyMap<string, GraphQLSchema>;
}

export function routeSchemasFromSupergraph(supergraphSdl: string): RouteSchemas {
  const supergraph = Supergraph.build(supergraphSdl);
  const subgraphs = new Map<string, GraphQLSchema>();
  for (const subgraph of supergraph.subgraphs())
    subgraphs.set(subgraph.name, subgraph.schema.toGraphQLJSSchema());
  return { api: supergraph.apiSchema().toGraphQLJSSchema(), subgraphs };
}

/**
 * Decides from a query plan whether the client's operation can go to one subgraph unchanged, so its
 * answer is exactly what executing the plan would produce:
 * - the plan is a single fetch with no entity inputs, rewrites or deferred parts;
 * - the document holds only this operation, and the fetch sends the same operation (names aside), so
 *   the planner added, dropped and renamed nothing;
 * - every field, argument and variable has the same type in the subgraph as in the API schema (same
 *   nullability, same enum values, no abstract types), so the subgraph validates, coerces and
 *   null-propagates as the gateway's result shaping would.
 * Anything else returns null and is executed from its plan.
 */
export function routeFor(
  plan: QueryPlan,
  document: DocumentNode,
  schemas: RouteSchemas,
): SubgraphRoute | null {
  const fetch = plan.node;
  if (!fetch || fetch.kind !== 'Fetch') return null;
  if (fetch.requires?.length || fetch.inputRewrites?.length || fetch.outputRewrites?.length) return null;
  if (fetch.contextRewrites?.length || fetch.hasDefers) return null;
  if (fetch.operationKind !== 'query' && fetch.operationKind !== 'mutation') return null;
  const subgraph = schemas.subgraphs.get(fetch.serviceName);
  if (!subgraph) return null;

  const [clientOperation, ...others] = document.definitions;
  if (others.length > 0 || clientOperation?.kind !== Kind.OPERATION_DEFINITION) return null;
  let fetchDocument: DocumentNode;
  try {
    fetchDocument = parse(fetch.operation);
  } catch {
    return null;
  }
  const [fetchOperation, ...fetchOthers] = fetchDocument.definitions;
  if (fetchOthers.length > 0 || fetchOperation?.kind !== Kind.OPERATION_DEFINITION) return null;
  if (printAnonymous(clientOperation) !== printAnonymous(fetchOperation)) return null;

  const apiRoot = rootType(schemas.api, fetch.operationKind);
  const subgraphRoot = rootType(subgraph, fetch.operationKind);
  if (!apiRoot || !subgraphRoot) return null;
  const same = new SameTypes(schemas.api, subgraph);
  for (const variable of clientOperation.variableDefinitions ?? []) {
    const apiType = typeFromAST(schemas.api, variable.type);
    const subgraphType = typeFromAST(subgraph, variable.type);
    if (!apiType || !subgraphType || String(apiType) !== String(subgraphType)) return null;
    if (!same.input(getNamedType(apiType))) return null;
  }
  if (!same.selection(apiRoot, subgraphRoot, clientOperation.selectionSet)) return null;
  return { kind: 'subgraph', subgraph: fetch.serviceName, operationKind: fetch.operationKind };
}

function printAnonymous(operation: OperationDefinitionNode): string {
  return print({ ...operation, name: undefined });
}

function rootType(schema: GraphQLSchema, kind: 'query' | 'mutation'): GraphQLObjectType | null | undefined {
  return kind === 'query' ? schema.getQueryType() : schema.getMutationType();
}

/** Compares what an operation touches in the API schema with the same names in a subgraph. */
class SameTypes {
  private readonly inputsChecked = new Map<string, boolean>();

  constructor(
    private readonly api: GraphQLSchema,
    private readonly subgraph: GraphQLSchema,
  ) {}

  selection(apiType: GraphQLObjectType, subgraphType: GraphQLObjectType, set: SelectionSetNode): boolean {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) return false;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (condition !== undefined && condition !== apiType.name) return false;
        if (!this.selection(apiType, subgraphType, selection.selectionSet)) return false;
        continue;
      }
      const name = selection.name.value;
      if (name === '__typename') continue;
      const apiField = apiType.getFields()[name];
      const subgraphField = subgraphType.getFields()[name];
      if (!apiField || !subgraphField || String(apiField.type) !== String(subgraphField.type)) return false;
      for (const argument of selection.arguments ?? []) {
        const apiArgument = apiField.args.find((arg) => arg.name === argument.name.value);
        const subgraphArgument = subgraphField.args.find((arg) => arg.name === argument.name.value);
        if (!this.argument(apiArgument, subgraphArgument)) return false;
      }
      const apiNamed = getNamedType(apiField.type);
      const subgraphNamed = getNamedType(subgraphField.type);
      if (isObjectType(apiNamed)) {
        if (!isObjectType(subgraphNamed) || !selection.selectionSet) return false;
        if (!this.selection(apiNamed, subgraphNamed, selection.selectionSet)) return false;
      } else if (!this.leaf(apiNamed, subgraphNamed)) {
        return false;
      }
    }
    return true;
  }

  private argument(api: GraphQLArgument | undefined, subgraph: GraphQLArgument | undefined): boolean {
    if (!api || !subgraph || String(api.type) !== String(subgraph.type)) return false;
    return this.input(getNamedType(api.type));
  }

  /** Scalars and enums only: interfaces and unions may have members one side does not know. */
  private leaf(api: GraphQLNamedType, subgraph: GraphQLNamedType): boolean {
    if (isScalarType(api)) return isScalarType(subgraph) && api.name === subgraph.name;
    if (isEnumType(api)) return isEnumType(subgraph) && sameEnumValues(api, subgraph);
    return false;
  }

  input(apiNamed: GraphQLNamedType): boolean {
    const known = this.inputsChecked.get(apiNamed.name);
    if (known !== undefined) return known;
    this.inputsChecked.set(apiNamed.name, true); // provisional, for recursive input types
    const subgraphNamed = this.subgraph.getType(apiNamed.name);
    let same = false;
    if (subgraphNamed && isScalarType(apiNamed)) same = isScalarType(subgraphNamed);
    else if (subgraphNamed && isEnumType(apiNamed))
      same = isEnumType(subgraphNamed) && sameEnumValues(apiNamed, subgraphNamed);
    else if (subgraphNamed && isInputObjectType(apiNamed) && isInputObjectType(subgraphNamed)) {
      const apiFields = apiNamed.getFields();
      const subgraphFields = subgraphNamed.getFields();
      same =
        Object.keys(apiFields).length === Object.keys(subgraphFields).length &&
        Object.values(apiFields).every((field) => {
          const other = subgraphFields[field.name];
          return (
            other !== undefined &&
            String(field.type) === String(other.type) &&
            this.input(getNamedType(field.type))
          );
        });
    }
    this.inputsChecked.set(apiNamed.name, same);
    return same;
  }
}

function sameEnumValues(
  api: { getValues(): ReadonlyArray<{ name: string }> },
  subgraph: { getValues(): ReadonlyArray<{ name: string }> },
): boolean {
  const apiValues = api.getValues().map((value) => value.name);
  const subgraphValues = new Set(subgraph.getValues().map((value) => value.name));
  return apiValues.length === subgraphValues.size && apiValues.every((value) => subgraphValues.has(value));
}

/**
 * The operations learned so far, keyed by operation name and query text as clients send them.
 * Bounded by the characters held; the oldest entries go first (a forgotten operation is simply
 * learned again from its next plan).
 */
export class SubgraphRouteTable {
  private readonly routes = new Map<string, LearnedRoute | null>();
  private readonly held = new Map<string, number>();
  private heldChars = 0;

  constructor(
    private readonly schemas: RouteSchemas,
    private readonly maxChars = 16 * 1024 * 1024,
    private readonly kinds: RouteKinds = { subgraphRoutes: true, compiledPlans: true },
  ) {}

  static fromSupergraph(
    supergraphSdl: string,
    options: { maxChars?: number } & Partial<RouteKinds> = {},
  ): SubgraphRouteTable {
    return new SubgraphRouteTable(routeSchemasFromSupergraph(supergraphSdl), options.maxChars, {
      subgraphRoutes: options.subgraphRoutes ?? true,
      compiledPlans: options.compiledPlans ?? true,
    });
  }

  lookup(query: string, operationName: string | undefined): LearnedRoute | null | undefined {
    return this.routes.get(routeKey(query, operationName));
  }

  /**
   * A compiled plan's request went to the planned path after all. An operation that keeps ending there
   * (a field its viewers may not see, a subgraph that errs) is forgotten as compiled: each such request
   * would otherwise read its subgraphs twice.
   */
  takeBack(query: string, operationName: string | undefined, route: PlanRoute): void {
    route.takenBack += 1;
    if (route.takenBack >= 8 && route.takenBack * 4 > route.answered) {
      const key = routeKey(query, operationName);
      if (this.routes.get(key) === route) this.routes.set(key, null);
    }
  }

  /** The operation's cost with these variables, as the planned path's cost limit computes it. */
  costOf(
    route: LearnedRoute,
    query: string,
    operationName: string | undefined,
    variables: Readonly<Record<string, unknown>> | null | undefined,
  ): number {
    const kept = route.cost;
    if (typeof kept === 'number') return kept;
    if (kept) return kept.costWith(variables);
    return operationCost(this.schemas.api, parse(query), operationName, variables).cost;
  }

  /** Called with every resolved plan; analyses an operation once. */
  learn(query: string, operationName: string | undefined, plan: QueryPlan, document: DocumentNode): void {
    const key = routeKey(query, operationName);
    if (this.routes.has(key)) return;
    const route: LearnedRoute | null =
      (this.kinds.subgraphRoutes ? routeFor(plan, document, this.schemas) : null) ??
      (this.kinds.compiledPlans ? this.planRoute(plan, document, operationName) : null);
    if (route) route.cost = keptCost(this.schemas.api, document, operationName);
    // a cost by page size keeps the operation's syntax tree
    const keepsDocument = route?.cost instanceof PagedOperationCost;
    const size =
      key.length * ((keepsDocument ? 1 + DOCUMENT_WEIGHT : 1) + (route?.kind === 'plan' ? PLAN_WEIGHT : 0));
    this.routes.set(key, route);
    this.held.set(key, size);
    this.heldChars += size;
    for (const oldest of this.routes.keys()) {
      if (this.heldChars <= this.maxChars) break;
      this.routes.delete(oldest);
      this.heldChars -= this.held.get(oldest) ?? 0;
      this.held.delete(oldest);
    }
  }

  private planRoute(
    plan: QueryPlan,
    document: DocumentNode,
    operationName: string | undefined,
  ): PlanRoute | null {
    const compiled = compilePlan(plan, document, operationName, this.schemas.api);
    return compiled && { kind: 'plan', operationKind: 'query', plan: compiled, answered: 0, takenBack: 0 };
  }

  /** The API schema clients validate against. */
  get apiSchema(): GraphQLSchema {
    return this.schemas.api;
  }

  get size(): number {
    return this.routes.size;
  }
}

// Length-prefixed so no operation name and query text can collide with another pair.
const routeKey = (query: string, operationName: string | undefined) =>
  operationName === undefined ? `-:${query}` : `${operationName.length}:${operationName}${query}`;

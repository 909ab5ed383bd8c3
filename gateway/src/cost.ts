import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  GraphQLError,
} from 'graphql';
import type { GatewayContext } from './context';

/**
 * The cost model (gateway/README.md, "Operation cost"): an estimate of the objects an operation
 * makes the subgraphs load, computed with the request's variables so a page size passed as `$first`
 * counts as much as one written in the document.
 *
 * - A field returning an object costs 1, plus its selection's cost times the number of objects it
 *   returns; a scalar or enum field costs nothing beyond its parent.
 * - A field with a `first` or `last` argument asks for a page of that many (the variable's value,
 *   else the argument's default, else the services' default page size, 20): the lists directly
 *   inside it (`edges`, `nodes`) hold that many; `pageInfo` and `totalCount` count once.
 * - Any other list is taken to hold 10 items.
 * - Fragments count where they are spread; introspection fields cost nothing.
 */
const DEFAULT_PAGE_SIZE = 20;
const ASSUMED_LIST_SIZE = 10;
const PAGE_ARGUMENTS = ['first', 'last'] as const;

export interface OperationCost {
  cost: number;
  /** The cost depends on variable values (a page size passed as a variable). */
  usesVariables: boolean;
  /** The variables page sizes are read from: the only values the cost depends on. */
  pageVariables: readonly string[];
}

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): OperationCost {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return { cost: 0, usesVariables: false, pageVariables: [] };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const defaults = new Map<string, ValueNode>();
  for (const variable of operation.variableDefinitions ?? [])
    if (variable.defaultValue) defaults.set(variable.variable.name.value, variable.defaultValue);
  const pageVariables = new Set<string>();

  const pageSize = (
    field: GraphQLField<unknown, unknown>,
    argumentNodes: readonly { name: { value: string }; value: ValueNode }[],
  ) => {
    for (const name of PAGE_ARGUMENTS) {
      const definition = field.args.find((argument) => argument.name === name);
      if (!definition) continue;
      const node = argumentNodes.find((argument) => argument.name.value === name);
      let value: unknown;
      if (node?.value.kind === Kind.VARIABLE) {
        const variable = node.value.name.value;
        pageVariables.add(variable);
        value = variables && variable in variables ? variables[variable] : undefined;
        const fallback = defaults.get(variable);
        if (value === undefined && fallback) value = valueFromAST(fallback, definition.type);
      } else if (node) {
        value = valueFromAST(node.value, definition.type);
      }
      if (value === undefined || value === null) value = definition.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.floor(value));
    }
    return field.args.some((argument) => (PAGE_ARGUMENTS as readonly string[]).includes(argument.name))
      ? DEFAULT_PAGE_SIZE
      : undefined;
  };

  const selectionCost = (
    parent: GraphQLCompositeType,
    set: SelectionSetNode,
    page: number | undefined,
    visiting: ReadonlySet<string>,
  ): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        if (condition && isCompositeType(condition))
          total += selectionCost(condition, selection.selectionSet, page, visiting);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && condition && isCompositeType(condition) && !visiting.has(name))
          total += selectionCost(condition, fragment.selectionSet, page, new Set([...visiting, name]));
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[name];
      if (!field) continue;
      const type = getNamedType(field.type);
      if (!isCompositeType(type) || !selection.selectionSet) continue;
      const own = pageSize(field, selection.arguments ?? []);
      const list = isList(field.type);
      // A paged list is its page; a connection's page is the size of the lists directly inside it.
      const count = list ? (own ?? page ?? ASSUMED_LIST_SIZE) : 1;
      const inner = own !== undefined && !list ? own : undefined;
      total += 1 + count * selectionCost(type, selection.selectionSet, inner, visiting);
    }
    return total;
  };

  const cost = selectionCost(root, operation.selectionSet, undefined, new Set());
  return { cost, usesVariables: pageVariables.size > 0, pageVariables: [...pageVariables] };
}

/** How many page-size combinations one operation keeps costs for (a client paging by 1..100 fits). */
const PAGE_SIZES_KEPT = 128;

/**
 * The cost of one operation whose page sizes are variables, computed once per combination of
 * those variables' values instead of walking the operation on every request (a search passing
 * `$first` is costed once for 20 and once for 100).
 */
export class PagedOperationCost {
  private readonly byPageSizes = new Map<string, number>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly document: DocumentNode,
    private readonly operationName: string | null | undefined,
    private readonly pageVariables: readonly string[],
  ) {}

  costWith(variables: Readonly<Record<string, unknown>> | null | undefined): number {
    // undefined (absent: the variable's default applies) and null (the argument's default) differ
    const key = this.pageVariables
      .map((name) => {
        const value = variables?.[name];
        return value === undefined ? '~' : JSON.stringify(value);
      })
      .join(',');
    const known = this.byPageSizes.get(key);
    if (known !== undefined) return known;
    const { cost } = operationCost(this.schema, this.document, this.operationName, variables);
    if (this.byPageSizes.size < PAGE_SIZES_KEPT) this.byPageSizes.set(key, cost);
    return cost;
  }
}

/** An operation's cost as kept between requests: a number, or its costs by page sizes. */
export function keptCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): number | PagedOperationCost {
  const { cost, pageVariables } = operationCost(schema, document, operationName, undefined);
  return pageVariables.length === 0
    ? cost
    : new PagedOperationCost(schema, document, operationName, pageVariables);
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

export function costLimitExceeded(cost: number, limit: number): GraphQLError {
  return new GraphQLError(
    `This operation's estimated cost is ${cost}, above the limit of ${limit}: ask for smaller pages or fewer nested lists`,
    { extensions: { code: 'COST_LIMIT_EXCEEDED', cost, limit, http: { status: 400 } } },
  );
}

/**
 * Refuses, before planning, an operation whose cost with this request's variables is over the limit.
 * Apollo Server hands every request with the same query text the same parsed document (its document
 * cache), so an operation is costed once per document and operation name, and one with a page size
 * passed as a variable once per page size (PagedOperationCost).
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin<GatewayContext> {
  const kept = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number | PagedOperationCost>>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          let bySchema = kept.get(schema);
          if (!bySchema) kept.set(schema, (bySchema = new WeakMap()));
          let byName = bySchema.get(document);
          if (!byName) bySchema.set(document, (byName = new Map()));
          const key = request.operationName ?? '';
          let known = byName.get(key);
          if (known === undefined)
            byName.set(key, (known = keptCost(schema, document, request.operationName)));
          const cost = typeof known === 'number' ? known : known.costWith(request.variables);
          if (cost > maxCost) throw costLimitExceeded(cost, maxCost);
        },
      };
    },
  };
}

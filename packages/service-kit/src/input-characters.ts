import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

/**
 * Where the first NUL character (U+0000) sits in a value, as a path below `path` (`input.name` in the
 * variables, as refusals name fields), or null. PostgreSQL cannot store one in text, so it must never reach a query.
 */
export function nulCharacterIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulCharacterIn(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return path;
      const found = nulCharacterIn(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** The argument or field whose string literal in the document holds a NUL (written as `\u0000`), or null. */
export function nulCharacterInDocument(document: DocumentNode): string | null {
  let found: string | null = null;
  const names: string[] = [];
  visit(document, {
    Argument: {
      enter: (node) => void names.push(node.name.value),
      leave: () => void names.pop(),
    },
    ObjectField: {
      enter: (node) => void names.push(node.name.value),
      leave: () => void names.pop(),
    },
    [Kind.STRING]: (node) => {
      if (found === null && node.value.includes('\u0000')) found = names.join('.') || 'a string literal';
    },
  });
  return found;
}

/**
 * Refuses, as BAD_USER_INPUT, an operation with a NUL character in any string it carries: variables
 * (arguments, input object fields, ids, filters, lists) and string literals in the document. Done
 * once for every operation, so no resolver can forget it and no NUL reaches PostgreSQL as an
 * INTERNAL_SERVER_ERROR.
 */
export function refuseNulCharactersPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const where = nulCharacterIn(request.variables ?? {}, '') ?? nulCharacterInDocument(document);
          if (where === null) return;
          throw new GraphQLError(
            `${where} contains a NUL character (U+0000); no text in this API may contain one`,
            { extensions: { code: 'BAD_USER_INPUT', field: where, http: { status: 400 } } },
          );
        },
      };
    },
  };
}

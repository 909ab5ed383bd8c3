/** A minimal GraphQL POST for setting up fixtures (not for load: that is the load worker's job). */
export interface GraphQLAnswer<TData> {
  status: number;
  data?: TData;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function postGraphQL<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  authorization?: string,
): Promise<GraphQLAnswer<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as Omit<GraphQLAnswer<TData>, 'status'>) };
  } catch {
    return {
      status: response.status,
      errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }],
    };
  }
}

/** The data, or an error naming the first GraphQL error. */
export async function queryData<TData>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  authorization?: string,
): Promise<TData> {
  const answer = await postGraphQL<TData>(url, query, variables, authorization);
  if (answer.errors?.length || !answer.data) {
    const first = answer.errors?.[0];
    throw new Error(
      first
        ? `${first.message}${first.extensions?.code ? ` (${first.extensions.code})` : ''}`
        : `HTTP ${answer.status}, no data`,
    );
  }
  return answer.data;
}

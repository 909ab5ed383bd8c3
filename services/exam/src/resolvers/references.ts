/** An ATO owned by the accreditation subgraph; the gateway resolves its fields there. */
export interface AtoReference {
  __typename: 'Ato';
  id: string;
}

export function atoReference(id: string | null): AtoReference | null {
  return id === null ? null : { __typename: 'Ato', id };
}

/**
 * A name folded for ordering: lower case, accents removed (close to PostgreSQL's
 * registry_fold(), which the fuzzy search uses; ordering only needs to be stable and natural).
 */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

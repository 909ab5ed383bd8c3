/**
 * A name folded for ordering: lower case, accents removed (close to PostgreSQL's
 * registry_fold(), which the fuzzy search uses; ordering only needs to be stable and natural).
 */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** The most words of a query the search matches one by one; the rest only count in the ranking. */
export const MAX_SEARCH_WORDS = 8;

/**
 * The words of a name query that must each match (letters and digits; single letters only when
 * nothing longer is given), at most MAX_SEARCH_WORDS of them.
 */
export function searchWords(query: string): string[] {
  const words = query.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const longer = words.filter((word) => word.length > 1);
  return (longer.length ? longer : words).slice(0, MAX_SEARCH_WORDS);
}

import { foldName, MAX_SEARCH_WORDS, searchWords } from './search-text';

describe('searchWords', () => {
  it('splits a query into the words that must each match', () => {
    expect(searchWords('Müller IT-Services GmbH')).toEqual(['Müller', 'IT', 'Services', 'GmbH']);
    expect(searchWords('  Zeta / Cloud  ')).toEqual(['Zeta', 'Cloud']);
  });

  it('leaves out single letters unless nothing longer is given, and bounds the count', () => {
    expect(searchWords('A Acme S A')).toEqual(['Acme']);
    expect(searchWords('A B')).toEqual(['A', 'B']);
    expect(searchWords('one two three four five six seven eight nine ten')).toHaveLength(MAX_SEARCH_WORDS);
    expect(searchWords('--')).toEqual([]);
  });
});

describe('foldName', () => {
  it('orders names without case or accents', () => {
    expect(foldName(' Société Générale ')).toBe('societe generale');
  });
});

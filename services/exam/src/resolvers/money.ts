/** A price as stored: minor units and currency. */
export interface MoneyModel {
  currency: string;
  amountMinor: number;
}

/** ISO 4217 currencies without minor units that the scheme prices in. */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK']);

export function minorUnitDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

export function formatAmount(money: MoneyModel): string {
  const digits = minorUnitDigits(money.currency);
  return (money.amountMinor / 10 ** digits).toFixed(digits);
}

export function moneyOrNull(currency: string | null, amountMinor: number | null): MoneyModel | null {
  return currency !== null && amountMinor !== null ? { currency, amountMinor } : null;
}

export const moneyResolvers = {
  ExamMoney: {
    amount: (money: MoneyModel) => formatAmount(money),
  },
};

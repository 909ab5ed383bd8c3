/** A token may live a working day by default; an IdP that issues longer-lived tokens must say so. */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 24 * 60 * 60;
/** Clock skew accepted at most: beyond a minute, clocks are wrong, not skewed. */
export const MAX_CLOCK_SKEW_S = 60;

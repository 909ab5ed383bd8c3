export { planSeed, databaseUrlFor, GENERATORS, SEED_USAGE, SeedUsageError, type SeedStep } from './seed-plan';
export { runSeed, runSeedStep, type SeedOutcome } from './run-seed';

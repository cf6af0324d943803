export * from "./types.js";
export { BatchWriter, type BatchWriterOptions } from "./batch.js";
export { MIGRATIONS, migrate, type Migration } from "./migrations.js";
export { BUCKET_MS, type RollupLevel } from "./rollup.js";
export {
  LOGIN_LEDGER_KEEP_MS,
  openStore,
  SqliteHistoryStore,
  type OpenStoreOptions,
} from "./sqlite.js";

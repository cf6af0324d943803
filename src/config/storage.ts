import { isAbsolute, resolve } from "node:path";

/**
 * Where the history database is: an absolute `storage.sqlite` as written; a relative one under
 * `dataDir` when given (`ORGWATCH_DATA_DIR`, the container's volume: a read-only config folder
 * must not have to be writable), else beside the config file.
 */
export function historyPath(
  config: { dir: string; top: { storage: { sqlite: string } } },
  dataDir: string | undefined,
): string {
  const file = config.top.storage.sqlite;
  if (isAbsolute(file)) return file;
  return resolve(dataDir !== undefined && dataDir !== "" ? dataDir : config.dir, file);
}

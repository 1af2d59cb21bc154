import { EXPORT_VERSION } from "./schema.ts";

// The stored shape of a conversation is versioned like the export files: each record in IndexedDB
// carries `formatVersion`, and a record from an older format is brought up to date, one step at a
// time, when the database is upgraded (a format change bumps the database version with it).

/** The format this code writes. */
export const STORAGE_VERSION = EXPORT_VERSION;

type StoredRecord = Record<string, unknown> & { formatVersion?: number };

/**
 * One step per format. Records written before the stamp existed are format 2 (per-conversation
 * settings) at the latest, and both formats read as the next: format 3 only added answer
 * versions, which older messages simply lack (one version each).
 */
const STEPS: Record<number, (record: StoredRecord) => StoredRecord> = {
  1: (record) => record, // 2 added `settings`, absent meaning the model's defaults
  2: (record) => record, // 3 added message metadata `versions` and `versionIndex`
};

/** The record in the current format, stamped; anything that is not a record is returned as is. */
export function migrateRecord(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  let record = value as StoredRecord;
  let version = typeof record.formatVersion === "number" ? record.formatVersion : 2;
  // A record from a newer format than this code knows is left for the schema to judge.
  if (version > STORAGE_VERSION) return record;
  while (version < STORAGE_VERSION) {
    record = (STEPS[version] ?? ((r) => r))(record);
    version++;
  }
  return { ...record, formatVersion: STORAGE_VERSION };
}

// The drift report: per Application and object, what differs between what git says
// should run and what runs. Shared by the live (server-side dry-run) and offline modes.

/**
 * A set of fields in the API server's own `managedFields` notation (fieldsV1):
 * `f:<name>` a map field, `k:<json>` a list item by its key fields, `v:<json>` a set
 * item, `i:<n>` a list item by index, `.` the item itself. `{}` is a leaf: the whole
 * value at that point.
 */
export interface FieldSet {
  [segment: string]: FieldSet;
}

/**
 * One field that differs. `changed`: both sides have it with different values; `missing`:
 * git sets it, the cluster lacks it; `extra`: the cluster has it in a place git owns.
 */
export interface FieldChange {
  path: string;
  op: 'changed' | 'missing' | 'extra';
  desired?: unknown;
  live?: unknown;
  /** A Secret value: neither side is reported, only that it differs. */
  masked?: boolean;
  /**
   * For fields git does not set, found through managedFields: added by a person's tool
   * (`added-outside-git`), or no longer in git but still applied by the sync manager.
   */
  origin?: 'added-outside-git' | 'removed-from-git';
  /** The field manager that owns the field, and when it last wrote the object. */
  manager?: string;
  time?: string;
}

export type DriftState = 'changed' | 'missing' | 'orphan' | 'error';

export interface ObjectDrift {
  /** The Argo CD Application the object belongs to ('' when unknown, e.g. an orphan without tracking). */
  app: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  state: DriftState;
  changes: FieldChange[];
  /** For `error`: why the object could not be compared (e.g. the dry-run rejected an immutable field change). */
  message?: string;
}

export interface DriftReport {
  mode: 'server-side' | 'offline';
  cluster?: string;
  /** How many desired objects were compared. */
  compared: number;
  drifts: ObjectDrift[];
  /** Applications not compared, with why (remote sources). */
  skipped: { app: string; reason: string }[];
}

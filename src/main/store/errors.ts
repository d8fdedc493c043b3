// Start-up failures a trader can act on. Each carries a code the shell and CLI show as-is.
export type StartupErrorCode =
  | 'DATA_DIR_LOCKED'
  | 'DATA_DIR_UNUSABLE'
  | 'DB_CORRUPT'
  /** An empty file (or an empty SQLite database) where the database should be: not made a fresh book. */
  | 'DB_EMPTY'
  /** Another program's SQLite database where Deltadeck's should be. */
  | 'DB_NOT_DELTADECK'
  /** The database (or its folder) cannot be written by this user. */
  | 'DB_READ_ONLY'
  | 'DB_LOCKED'
  | 'DB_TOO_NEW'
  | 'DB_MIGRATION_FAILED'
  | 'PORT_IN_USE';

export class StartupError extends Error {
  constructor(
    readonly code: StartupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

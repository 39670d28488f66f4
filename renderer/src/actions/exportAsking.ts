/**
 * Runs an export that may meet an existing file: the services answer EXISTS
 * (they never replace a file unless asked), the user is asked with the
 * services' own message, and the export runs again with overwrite only on yes.
 * A path from the system's Save dialog (Electron; it asks about replacing a
 * file itself, `showOverwriteConfirmation`) is `confirmed`: the export
 * overwrites at once instead of asking the same question a second time.
 */
export interface ExportAskingOptions {
  /** The user already agreed to replace the file (the native Save dialog asked). */
  confirmed?: boolean;
  confirm?: (message: string) => boolean;
}

export async function exportAsking<T>(run: (overwrite: boolean) => Promise<T>, { confirmed = false, confirm = (m) => window.confirm(m) }: ExportAskingOptions = {}): Promise<T> {
  if (confirmed) return run(true);
  try {
    return await run(false);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EXISTS' || !confirm(`${(e as Error).message}?`)) throw e;
    return run(true);
  }
}

/**
 * Runs an export that may meet an existing file: the services answer EXISTS
 * (they never replace a file unless asked), the user is asked with the
 * services' own message, and the export runs again with overwrite only on yes.
 */
export async function exportAsking<T>(run: (overwrite: boolean) => Promise<T>, confirm: (message: string) => boolean = (m) => window.confirm(m)): Promise<T> {
  try {
    return await run(false);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EXISTS' || !confirm(`${(e as Error).message}?`)) throw e;
    return run(true);
  }
}

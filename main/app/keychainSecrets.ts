/**
 * PACS credentials in Electron: encrypted with the OS keychain through
 * Electron's safeStorage (Keychain on macOS, DPAPI on Windows, libsecret /
 * kwallet on Linux) and kept as ciphertext in `<userData>/pacs/credentials.keychain.json`
 * (0600). Where the OS offers no keychain, the host-mode 0600 file is used and
 * `where` says so.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as E from 'electron';
import { writeFileAtomic } from '../services/io/dicom/part10';
import { FileSecretStore, type SecretStore } from '../services/pacs/nodeStore';

export type SafeStorageLike = Pick<E.SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

export class KeychainSecretStore implements SecretStore {
  private readonly file: string;
  constructor(
    private readonly safeStorage: SafeStorageLike,
    userData: string,
  ) {
    this.file = path.join(userData, 'pacs', 'credentials.keychain.json');
  }
  readonly where = 'the OS keychain (Electron safeStorage)';
  private async all(): Promise<Record<string, string>> {
    const text = await readFile(this.file, 'utf8').catch(() => null);
    if (!text) return {};
    try {
      const json = JSON.parse(text) as unknown;
      return json && typeof json === 'object' ? (json as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
  async get(name: string): Promise<string | null> {
    const cipher = (await this.all())[name];
    return cipher ? this.safeStorage.decryptString(Buffer.from(cipher, 'base64')) : null;
  }
  async set(name: string, secret: string | null): Promise<void> {
    const all = await this.all();
    if (secret === null) delete all[name];
    else all[name] = this.safeStorage.encryptString(secret).toString('base64');
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(all));
    await chmod(this.file, 0o600);
  }
}

/**
 * The keychain store when the OS has one, else the 0600 file beside the nodes. Decided on first
 * use: safeStorage answers only once the app is ready.
 */
export function electronSecretStore(safeStorage: SafeStorageLike | undefined, userData: string): SecretStore {
  let chosen: SecretStore | null = null;
  const store = (): SecretStore =>
    (chosen ??= safeStorage?.isEncryptionAvailable() ? new KeychainSecretStore(safeStorage, userData) : new FileSecretStore(path.join(userData, 'pacs', 'credentials.json')));
  return {
    get: (name) => store().get(name),
    set: (name, secret) => store().set(name, secret),
    get where() {
      return store().where;
    },
  };
}

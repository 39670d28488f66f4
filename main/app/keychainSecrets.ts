/**
 * PACS credentials in Electron: encrypted with the OS keychain through
 * Electron's safeStorage (Keychain on macOS, DPAPI on Windows, libsecret /
 * kwallet on Linux) and kept as ciphertext in `<userData>/pacs/credentials.keychain.json`
 * (0600). Where the OS offers no keychain, the host-mode 0600 file is used and
 * `where` says so.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as E from 'electron';
import { VoxaError } from '../../common/contract';
import { FileSecretStore, writePrivate, type SecretStore } from '../services/pacs/nodeStore';

export type SafeStorageLike = Pick<E.SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & Partial<Pick<E.SafeStorage, 'getSelectedStorageBackend'>>;

/** A real OS keychain: on Linux, safeStorage's `basic_text` backend is a key built into Electron, not a keychain. */
function hasKeychain(s: SafeStorageLike | undefined): s is SafeStorageLike {
  if (!s?.isEncryptionAvailable()) return false;
  return !(process.platform === 'linux' && s.getSelectedStorageBackend?.() === 'basic_text');
}

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
    const text = await readFile(this.file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!text) return {};
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    // A damaged file is an error, not "no secrets" (the next change would erase every one).
    if (!json || typeof json !== 'object' || Object.values(json).some((v) => typeof v !== 'string')) throw new VoxaError('CORRUPT_INPUT', `${path.basename(this.file)} does not hold credentials; fix or remove it (${this.file})`);
    return json as Record<string, string>;
  }
  async get(name: string): Promise<string | null> {
    const cipher = (await this.all())[name];
    return cipher ? this.safeStorage.decryptString(Buffer.from(cipher, 'base64')) : null;
  }
  async set(name: string, secret: string | null): Promise<void> {
    const all = await this.all();
    if (secret === null) delete all[name];
    else all[name] = this.safeStorage.encryptString(secret).toString('base64');
    await writePrivate(this.file, all);
  }
}

/**
 * The keychain store when the OS has one, else the 0600 file beside the nodes. Decided on first
 * use: safeStorage answers only once the app is ready.
 */
export function electronSecretStore(safeStorage: SafeStorageLike | undefined, userData: string): SecretStore {
  let chosen: SecretStore | null = null;
  const store = (): SecretStore =>
    (chosen ??= hasKeychain(safeStorage) ? new KeychainSecretStore(safeStorage, userData) : new FileSecretStore(path.join(userData, 'pacs', 'credentials.json')));
  return {
    get: (name) => store().get(name),
    set: (name, secret) => store().set(name, secret),
    get where() {
      return store().where;
    },
  };
}

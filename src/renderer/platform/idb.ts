/**
 * A few promises over IndexedDB (the browser build's store for training runs and their
 * checkpoints: records and bytes too large and too many for localStorage).
 */
const DB_NAME = 'convas-training';
const DB_VERSION = 1;
export const RUNS = 'runs';
export const CHECKPOINTS = 'checkpoints';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(CHECKPOINTS)) db.createObjectStore(CHECKPOINTS);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(new Error(`cannot open the browser's training store (IndexedDB ${DB_NAME}): ${req.error?.message ?? 'unknown error'}`));
    };
  });
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

async function store(name: string, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await open()).transaction(name, mode).objectStore(name);
}

export async function idbGet<T>(name: string, key: string): Promise<T | undefined> {
  return done((await store(name, 'readonly')).get(key)) as Promise<T | undefined>;
}

export async function idbAll<T>(name: string): Promise<T[]> {
  return done((await store(name, 'readonly')).getAll()) as Promise<T[]>;
}

export async function idbPut(name: string, value: unknown, key?: string): Promise<void> {
  await done((await store(name, 'readwrite')).put(value, key));
}

export async function idbDelete(name: string, key: string): Promise<void> {
  await done((await store(name, 'readwrite')).delete(key));
}

export async function idbHas(name: string, key: string): Promise<boolean> {
  return (await done((await store(name, 'readonly')).count(key))) > 0;
}

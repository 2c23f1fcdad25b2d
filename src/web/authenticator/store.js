// The accounts of this authenticator, in IndexedDB: one record per (server, device), holding the server's base
// URL, the device id, the username and the CryptoKeyPair. The private key was generated non-extractable, so
// IndexedDB stores it as an opaque key object: scripts can sign with it but can never read its bytes, and it
// is not part of anything that could be exported from the page.
const DB_NAME = 'tessera-authenticator';
const STORE = 'accounts';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export function listAccounts() {
  return run('readonly', (store) => store.getAll()).then((list) => list.sort((a, b) => a.createdAt - b.createdAt));
}

export function saveAccount(account) {
  return run('readwrite', (store) => store.put(account));
}

export function deleteAccount(id) {
  return run('readwrite', (store) => store.delete(id));
}

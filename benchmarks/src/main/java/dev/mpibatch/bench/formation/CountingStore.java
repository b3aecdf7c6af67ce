package dev.mpibatch.bench.formation;

import java.util.List;
import java.util.Optional;

import dev.mpibatch.agent.rendezvous.RendezvousStore;

/** One simulated node's view of the shared rendezvous store, recording every request in the ledger. */
final class CountingStore implements RendezvousStore {
    private final RendezvousStore store;
    private final RequestLedger ledger;
    private final int caller;

    CountingStore(RendezvousStore store, RequestLedger ledger, int caller) {
        this.store = store;
        this.ledger = ledger;
        this.caller = caller;
    }

    @Override
    public void put(String key, byte[] value) {
        ledger.request(caller, RequestLedger.Type.PUT, key);
        store.put(key, value);
        ledger.wrote(key, System.nanoTime());
    }

    @Override
    public boolean create(String key, byte[] value) {
        ledger.request(caller, RequestLedger.Type.PUT, key);
        boolean created = store.create(key, value);
        ledger.wrote(key, System.nanoTime());
        return created;
    }

    @Override
    public Optional<byte[]> get(String key) {
        ledger.request(caller, RequestLedger.Type.GET, key);
        Optional<byte[]> value = store.get(key);
        value.ifPresent(bytes -> ledger.read(caller, key, bytes.length, System.nanoTime()));
        return value;
    }

    @Override
    public List<String> list(String prefix) {
        ledger.request(caller, RequestLedger.Type.LIST, prefix);
        List<String> keys = store.list(prefix);
        ledger.listed(caller, keys.size());
        return keys;
    }

    @Override
    public void deleteAll() {
        ledger.request(caller, RequestLedger.Type.DELETE, "");
        store.deleteAll();
    }

    @Override
    public String describe() {
        return store.describe();
    }
}

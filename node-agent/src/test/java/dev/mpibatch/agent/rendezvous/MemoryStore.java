package dev.mpibatch.agent.rendezvous;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A rendezvous store in memory that counts requests. */
final class MemoryStore implements RendezvousStore {
    final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();

    @Override
    public void put(String key, byte[] value) {
        puts.incrementAndGet();
        objects.put(key, value.clone());
    }

    @Override
    public boolean create(String key, byte[] value) {
        puts.incrementAndGet();
        return objects.putIfAbsent(key, value.clone()) == null;
    }

    @Override
    public Optional<byte[]> get(String key) {
        gets.incrementAndGet();
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public List<String> list(String prefix) {
        lists.incrementAndGet();
        return objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    @Override
    public void deleteAll() {
        objects.clear();
    }

    @Override
    public String describe() {
        return "memory:/";
    }
}

package dev.mpibatch.bench.formation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestLedgerTest {
    @Test
    void request_aboutANodesOwnObjects_countsForThatNodeWhoeverAsked() {
        RequestLedger ledger = new RequestLedger(8);

        ledger.request(0, RequestLedger.Type.GET, "nodes/7.json");
        ledger.request(0, RequestLedger.Type.PUT, "bundles/7.json");
        ledger.request(7, RequestLedger.Type.GET, "bundles/7.json");
        ledger.request(7, RequestLedger.Type.PUT, "ready/7");
        ledger.request(0, RequestLedger.Type.LIST, "nodes/");
        ledger.request(3, RequestLedger.Type.GET, "done.json");

        assertThat(ledger.requests(7)).isEqualTo(4);
        assertThat(ledger.requests(7, RequestLedger.Type.GET)).isEqualTo(2);
        assertThat(ledger.requests(0)).as("the main node's LIST").isEqualTo(1);
        assertThat(ledger.requests(3)).isEqualTo(1);
        assertThat(ledger.total(RequestLedger.Type.PUT)).isEqualTo(2);
    }

    @Test
    void detection_isTheTimeFromTheBundleWrittenToTheWorkerReadingIt() {
        RequestLedger ledger = new RequestLedger(4);

        ledger.wrote("bundles/2.json", 1_000_000_000L);
        ledger.read(2, "bundles/2.json", 1400, 1_250_000_000L);
        ledger.read(2, "bundles/2.json", 1400, 1_900_000_000L);

        assertThat(ledger.detectionMillis(2)).as("the first read counts").isEqualTo(250.0);
        assertThat(ledger.detectionMillis(3)).as("never written").isEqualTo(-1.0);
        assertThat(ledger.bytesRead(2)).isEqualTo(2800);
    }
}

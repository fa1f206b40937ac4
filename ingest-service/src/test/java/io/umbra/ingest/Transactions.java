package io.umbra.ingest;

import java.util.UUID;

/** Test transactions: the examples of docs/EVENTS.md, each with a fresh transaction id so tests never see each other's. */
final class Transactions {
    private Transactions() {
    }

    static String freshId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** The POS domestic example: 42.50 EUR at a supermarket (5411) in DE, Sunday 18:42 local time, German card. */
    static String posDomestic(String transactionId) {
        return """
                {"schemaVersion":1,"transactionId":"%s","cardId":"card-3f9a0c71","amountMinor":4250,"currency":"EUR",
                 "merchantId":"m-0045812","mcc":"5411","country":"DE","channel":"POS",
                 "timestamp":"2025-11-23T18:42:07.120+01:00","cardCountry":"DE"}""".formatted(transactionId);
    }

    /** The e-commerce example: a German card buying electronics (5732) for 1299.99 USD in the US at 03:15 local time, with a device. */
    static String ecomCrossBorder(String transactionId) {
        return """
                {"schemaVersion":1,"transactionId":"%s","cardId":"card-3f9a0c71","amountMinor":129999,"currency":"USD",
                 "merchantId":"shop-electronics-7731","mcc":"5732","country":"US","channel":"ECOM",
                 "timestamp":"2025-11-23T03:15:44-05:00","cardCountry":"DE","deviceId":"dev-fp-91c2e07d4b"}""".formatted(transactionId);
    }

    /** A valid transaction of another card, with an unknown field (ignored). */
    static String atm(String transactionId, String cardId) {
        return """
                {"schemaVersion":1,"transactionId":"%s","cardId":"%s","amountMinor":20000,"currency":"EUR",
                 "merchantId":"atm-DE-MUC-0412","mcc":"6011","country":"DE","channel":"ATM","timestamp":"2025-11-23T23:58:01Z",
                 "latitude":48.137154,"longitude":11.576124,"terminalVendor":"ignored"}""".formatted(transactionId, cardId);
    }
}

package io.umbra.events.features;

/**
 * A coarse fraud-risk grouping of merchant category codes (ISO 18245), one-hot encoded in the feature
 * vector. Deliberately small: the model learns the weights, the grouping only keeps four columns
 * instead of hundreds. Changing a code's group changes feature meaning, so it is a new schema version.
 */
public enum MccRiskGroup {
    /** Everyday, card-present-typical spending: groceries, transit, restaurants, pharmacies, utilities, government. */
    LOW,
    /** Everything not listed in another group. */
    MEDIUM,
    /** Cash and cash-like, resellable goods, gambling, money transfer, crypto, dating and direct marketing. */
    HIGH,
    /** Airlines, car rental, lodging (3000–3999 and their generic codes), travel agencies, cruises, rail. */
    TRAVEL;

    /** The digital-goods codes of {@link #digitalGoods} (feature schema 3's {@code mcc_digital}). */
    private static final int[] DIGITAL_CODES = {4816, 5815, 5816, 5817, 5818, 5968};
    /** {@link #DIGITAL_CODES} in words, for the schema's description. */
    static final String DIGITAL_GOODS_DESCRIPTION = "4816 computer network and information services, 5815–5818 digital media, games,"
            + " applications and large digital-goods merchants, 5968 continuity and subscription merchants";

    private static final int[] HIGH_CODES = {4829, 5094, 5732, 5944, 5967, 6010, 6011, 6012, 6050, 6051, 6211, 6540, 7273,
            7800, 7801, 7802, 7995};
    private static final int[] TRAVEL_CODES = {4112, 4411, 4511, 4722, 7011, 7512};
    private static final int[] LOW_CODES = {4111, 4121, 4131, 4900, 5311, 5331, 5411, 5422, 5441, 5451, 5462, 5499, 5812,
            5814, 5912, 8011, 8021, 8062, 8211, 8220, 9211, 9222, 9311, 9399};

    /** The group of a valid four-digit MCC. */
    public static MccRiskGroup of(String mcc) {
        if (mcc == null || !mcc.matches("[0-9]{4}")) {
            throw new IllegalArgumentException("an MCC is four digits");
        }
        int code = Integer.parseInt(mcc);
        if (code >= 3000 && code <= 3999 || contains(TRAVEL_CODES, code)) {
            return TRAVEL;
        }
        if (contains(HIGH_CODES, code)) {
            return HIGH;
        }
        if (contains(LOW_CODES, code)) {
            return LOW;
        }
        return MEDIUM;
    }

    /**
     * Whether a valid four-digit MCC sells digital goods or online services: cheap, instantly delivered, nothing shipped to an
     * address, so it is where a stolen card number is tried before it is sold or used. Independent of the four groups (these
     * codes are {@link #MEDIUM} there, as in feature schemas 1 and 2).
     */
    public static boolean digitalGoods(String mcc) {
        of(mcc);
        return contains(DIGITAL_CODES, Integer.parseInt(mcc));
    }

    private static boolean contains(int[] codes, int code) {
        for (int c : codes) {
            if (c == code) {
                return true;
            }
        }
        return false;
    }
}

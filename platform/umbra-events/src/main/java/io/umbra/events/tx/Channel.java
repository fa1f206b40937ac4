package io.umbra.events.tx;

/** Where the card was used. Spelled in JSON exactly as the constant names. */
public enum Channel {
    /** Card present at a point-of-sale terminal. */
    POS,
    /** Card not present: e-commerce, in-app, mail or phone order. */
    ECOM,
    /** Cash withdrawal or other operation at an ATM. */
    ATM
}

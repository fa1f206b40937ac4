package io.umbra.auth;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductionJwtCheckTest {
    @Test
    void outsideProductionNothingIsRequired() {
        assertEquals(List.of(), ProductionJwtCheck.problems(Map.of()));
        assertEquals(List.of(), ProductionJwtCheck.problems(Map.of("UMBRA_PRODUCTION", "false", "UMBRA_JWT_JWKS", "http://idp/jwks")));
    }

    @Test
    void productionRefusesADefaultIssuerAndAPlainHttpKeySet() {
        List<String> p = ProductionJwtCheck.problems(Map.of("UMBRA_PRODUCTION", "true", "UMBRA_JWT_JWKS", "http://idp.bank/jwks"));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).contains("UMBRA_JWT_ISSUER is not set"));
        assertTrue(p.get(1).contains("https URL"));
        assertTrue(ProductionJwtCheck.problems(Map.of("UMBRA_PRODUCTION", "true", "UMBRA_JWT_ISSUER", "umbra-local",
                "UMBRA_JWT_JWKS", "/etc/jwks.json")).getFirst().contains("development issuer"));
        assertTrue(ProductionJwtCheck.problems(Map.of("UMBRA_PRODUCTION", "true", "UMBRA_JWT_ISSUER", "https://idp.bank")).getFirst()
                .contains("UMBRA_JWT_JWKS is not set"));
    }

    @Test
    void productionAcceptsAnExplicitIssuerWithAnHttpsOrMountedKeySet() {
        assertEquals(List.of(), ProductionJwtCheck.problems(Map.of("UMBRA_PRODUCTION", "true", "UMBRA_JWT_ISSUER", "https://idp.bank",
                "UMBRA_JWT_JWKS", "https://idp.bank/jwks")));
        assertEquals(List.of(), ProductionJwtCheck.problems(Map.of("UMBRA_PRODUCTION", "TRUE", "UMBRA_JWT_ISSUER", "https://idp.bank",
                "UMBRA_JWT_JWKS", "/etc/umbra/jwks/jwks.json")));
    }
}

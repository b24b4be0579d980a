package dk.fsc.gateway.contract;

/** Identifiers of the code systems observation codes come from (see docs/mqtt.md). */
public final class CodeSystems {
    /** NPU, the Danish terminology for clinical laboratory and physiological quantities. */
    public static final String NPU = "urn:oid:1.2.208.176.2.1";
    /** MedCom's own codes (MCS), used where NPU has none. */
    public static final String MEDCOM = "urn:oid:1.2.208.184.100.8";
    /** IEEE 11073-10101 nomenclature (MDC). */
    public static final String MDC = "urn:iso:std:iso:11073:10101";
    /** LOINC. */
    public static final String LOINC = "http://loinc.org";

    private CodeSystems() {
    }
}

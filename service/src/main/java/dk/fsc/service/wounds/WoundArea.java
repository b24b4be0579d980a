package dk.fsc.service.wounds;

/**
 * A wound's area when only its length and width were measured: the ellipse they span,
 * π/4 × length × width (Kundin's estimate; length × width alone overstates an oval wound by about
 * a quarter). A measured area is always taken as it is.
 */
final class WoundArea {
    private WoundArea() {
    }

    /** The area to show and its method: the measured one, else the calculated one, else null. */
    record Area(Double cm2, String method) {
    }

    static Area of(Double measuredCm2, Double lengthCm, Double widthCm) {
        if (measuredCm2 != null) {
            return new Area(measuredCm2, "measured");
        }
        if (lengthCm != null && widthCm != null) {
            return new Area(Math.round(Math.PI / 4 * lengthCm * widthCm * 100) / 100.0, "calculated");
        }
        return new Area(null, null);
    }
}

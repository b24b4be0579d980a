package dk.fsc.service.patients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The date of birth in a CPR number, by the seventh digit's century rule (only the age is shown, never the number). */
class BirthDateTest {
    @Test
    void theSeventhDigitGivesTheCentury() {
        assertEquals(Optional.of(LocalDate.of(1948, 3, 12)), PatientStore.birthDateOf("1203481234"));
        assertEquals(Optional.of(LocalDate.of(2005, 3, 12)), PatientStore.birthDateOf("1203054234"));
        assertEquals(Optional.of(LocalDate.of(1940, 3, 12)), PatientStore.birthDateOf("1203409234"));
        assertEquals(Optional.of(LocalDate.of(2010, 3, 12)), PatientStore.birthDateOf("1203105234"));
        assertEquals(Optional.of(LocalDate.of(1870, 3, 12)), PatientStore.birthDateOf("1203706234"));
        assertEquals(Optional.empty(), PatientStore.birthDateOf("3102481234"), "31 February is no date");
        assertEquals(Optional.empty(), PatientStore.birthDateOf("12034812"));
    }
}

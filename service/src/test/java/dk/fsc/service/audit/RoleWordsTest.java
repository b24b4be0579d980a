package dk.fsc.service.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.staff.StaffUser;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** The citizen's log names every staff role in words, not its code (the wound specialist's was shown as {@code wound_specialist}). */
class RoleWordsTest {
    @Test
    void everyStaffRoleHasWords() throws Exception {
        int roles = 0;
        for (Field f : StaffUser.Role.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != String.class) {
                continue;
            }
            String role = (String) f.get(null);
            if (role.equals(StaffUser.Role.CITIZEN)) {
                continue; // a citizen reads only their own log; no line names one as the reader
            }
            roles++;
            assertTrue(AccessLogReader.ROLE_WORDS.containsKey(role), f.getName() + " has no words");
        }
        assertTrue(roles >= 6, "the roles were found: " + roles);
    }
}

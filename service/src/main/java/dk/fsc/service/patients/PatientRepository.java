package dk.fsc.service.patients;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface PatientRepository extends GenericRepository<Patient, UUID> {
    Optional<Patient> findByIdAndOrganisationId(UUID id, String organisationId);
}

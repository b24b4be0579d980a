-- Today in Denmark: a loan's due day, a device's calibration and cleaning dates are Danish days. The
-- database's current_date is its session's zone (UTC in production), a day off between midnight and
-- 01:00 or 02:00; the logistics queries spelled the Danish day out eleven times. One definition:
-- a plain SQL function, STABLE, so the planner inlines it and an index on a date column is used as
-- with the expression itself. (Java's zone is dk.fsc.service.platform.time.DanishTime.)
CREATE FUNCTION danish_today() RETURNS date LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (now() AT TIME ZONE 'Europe/Copenhagen')::date $$;

-- A request whose reading had a value at a red limit of the COPD programme defaults is claimed
-- before all others (the gateway sets urgent_version to the request's version at that reading).
-- Under load every patient waits about one round of the queue; a patient turning red should not.
-- After an evaluation a kept request stays urgent only if an urgent reading came during it.
ALTER TABLE evaluation_requests ADD COLUMN urgent_version bigint;
COMMENT ON COLUMN evaluation_requests.urgent_version IS
    'Version of the newest request with a value at a default red limit (claimed first); null when none is waiting';

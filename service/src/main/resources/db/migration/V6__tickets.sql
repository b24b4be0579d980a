-- Support tickets with SLA clocks. Both clocks start when the ticket is opened: "own" stops at
-- the first assignment, "resolve" when solved; both pause while pending. consumed_* hold the
-- calendar seconds used up to clock_since (NULL when not running).
CREATE TABLE tickets (
    id                       bigserial PRIMARY KEY,
    title                    text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description              text,
    state                    text NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'assigned', 'planned', 'pending', 'solved', 'closed')),
    urgency                  int NOT NULL CHECK (urgency BETWEEN 1 AND 5),
    impact                   int NOT NULL CHECK (impact BETWEEN 1 AND 5),
    priority                 int NOT NULL CHECK (priority BETWEEN 1 AND 6),
    organisation_id          text NOT NULL REFERENCES organisations (id),
    device_id                text REFERENCES devices (id),
    loan_id                  uuid REFERENCES loans (id),
    patient_id               uuid REFERENCES patients (id),
    assignee                 text,
    source                   text NOT NULL DEFAULT 'manual',
    -- a device problem opens one ticket, not one per message: (device, problem) while open
    dedupe_key               text,
    calendar                 text NOT NULL CHECK (calendar IN ('business', '24/7')),
    own_target_s             bigint NOT NULL,
    resolve_target_s         bigint NOT NULL,
    own_consumed_s           bigint NOT NULL DEFAULT 0,
    resolve_consumed_s       bigint NOT NULL DEFAULT 0,
    clock_since              timestamptz,
    owned_at                 timestamptz,
    solved_at                timestamptz,
    closed_at                timestamptz,
    adverse_event            boolean NOT NULL DEFAULT false,
    adverse_reported_at      timestamptz,
    analysis_due_at          timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    created_by               text NOT NULL
);
CREATE INDEX tickets_open_idx ON tickets (organisation_id, state) WHERE state NOT IN ('solved', 'closed');
CREATE UNIQUE INDEX tickets_one_open_per_problem ON tickets (dedupe_key) WHERE dedupe_key IS NOT NULL AND state NOT IN ('solved', 'closed');

CREATE TABLE ticket_events (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id),
    at         timestamptz NOT NULL DEFAULT now(),
    username   text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('opened', 'state', 'comment', 'sla_warning', 'sla_breach')),
    from_state text,
    to_state   text,
    clock      text CHECK (clock IN ('own', 'resolve')),
    due_at     timestamptz,
    text       text
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);
-- One warning and one breach per clock and ticket.
CREATE UNIQUE INDEX ticket_events_sla_once ON ticket_events (ticket_id, kind, clock) WHERE kind IN ('sla_warning', 'sla_breach');

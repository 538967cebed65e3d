-- SignUpFlow's organisations and their volunteer events, as far as the monitoring API reads them.
CREATE TABLE organizations (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  title           text NOT NULL,
  starts_at       timestamptz NOT NULL,
  location        text,
  capacity        integer CHECK (capacity IS NULL OR capacity >= 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Keyset pagination of an organisation's events in start order.
CREATE INDEX events_organization_starts_at_id ON events (organization_id, starts_at, id);

-- The API's pagination cursor writes a start time as YYYY-MM-DDTHH:MM:SS.ffffffZ and accepts only that form:
-- a start time outside years 1 to 9999, or infinity, would page into a cursor the API then refuses.
ALTER TABLE events
  ADD CONSTRAINT events_starts_at_range
  CHECK (isfinite(starts_at) AND starts_at >= '0001-01-01T00:00:00Z' AND starts_at < '10000-01-01T00:00:00Z');

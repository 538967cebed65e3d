/** What stands in for every secret the scrubber removes. */
export const REDACTED = '[REDACTED]';

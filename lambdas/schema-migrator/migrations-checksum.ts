import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One SHA-256 over every migration's name and text: the deploy's custom resource carries it (a new or changed
 * migration changes it), and the schema migrator compares it with the migrations it was bundled with.
 */
export function migrationsChecksum(directory: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .sort()) {
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(path.join(directory, name)))
      .update('\0');
  }
  return hash.digest('hex');
}

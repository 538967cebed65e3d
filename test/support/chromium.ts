import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Headless Chromium (Debian's `chromium`, which scripts/ensure-services.sh installs) on a page served on
 * 127.0.0.1: the DOM after load, or a screenshot. Flags keep it off the network and out of any profile.
 */
async function chromium(args: string[]): Promise<string> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'chromium-profile-'));
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        'chromium',
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${profile}`,
          ...args,
        ],
        { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

export function renderedDom(url: string, width = 375, height = 800): Promise<string> {
  return chromium([`--window-size=${width},${height}`, '--dump-dom', url]);
}

export async function screenshot(url: string, file: string, width = 375, height = 800): Promise<void> {
  await chromium([`--window-size=${width},${height}`, `--screenshot=${file}`, url]);
}

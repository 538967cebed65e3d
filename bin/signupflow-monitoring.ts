import { createApp } from '../lib/app';
import { ConfigError } from '../lib/config';

try {
  createApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

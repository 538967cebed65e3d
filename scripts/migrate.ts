import { applyMigrations } from './migrations';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const applied = await applyMigrations(databaseUrl);
  console.log(applied.length > 0 ? `Applied ${applied.join(', ')}` : 'The schema is up to date');
}

main().catch((error: Error) => {
  console.error(`Migrations failed: ${error.message}`);
  process.exit(1);
});

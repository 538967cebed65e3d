import pg from 'pg';
import { InvalidRuleError, parseRuleColumns } from '../../lambdas/alert-evaluator/rule';
import { RuleStore } from '../../lambdas/alert-evaluator/rule-store';
import { type Check, failed, ok } from './check';
import { describeError } from './describe-error';

export interface RulesTableOptions {
  /** The connection settings (a secret's password may be read here). */
  connection: () => Promise<pg.ClientConfig>;
  /** `host:port/database`, for the checklist. */
  target: string;
  /** What to do when the database cannot be reached. */
  unreachableFix: string;
  timeoutMs: number;
}

const UNDEFINED_TABLE = '42P01';
const SHOWN_INVALID_RULES = 5;

/**
 * `alert_rules` is readable and every rule in it (disabled ones too) passes the validation the evaluator applies
 * to each row it reads and `npm run rules -- add` applies before it writes (`parseRuleColumns`).
 */
export function rulesTableCheck(options: RulesTableOptions): Check {
  return {
    name: 'Rules table',
    fix: options.unreachableFix,
    run: async (signal) => {
      let client: pg.Client | undefined;
      const destroy = () => {
        const internals = client as unknown as { connection?: { stream?: { destroy(): void } } } | undefined;
        internals?.connection?.stream?.destroy();
        client?.end().catch(() => undefined);
      };
      signal.addEventListener('abort', destroy, { once: true });
      let healthy = false;
      try {
        const connection = await options.connection();
        signal.throwIfAborted(); // given up while the password was read: connect no more
        client = new pg.Client({
          ...connection,
          application_name: 'signupflow-verify',
          connectionTimeoutMillis: options.timeoutMs,
          query_timeout: options.timeoutMs,
        });
        client.on('error', () => undefined);
        const connected = client;
        await connected.connect();
        const store = new RuleStore({ query: (_type, text, values) => connected.query(text, values) });
        const rules = await store.loadRules({ includeDisabled: true });
        healthy = true;
        const invalid = rules.flatMap(({ columns }) => problemsOf(columns));
        if (invalid.length > 0) {
          const shown = invalid.slice(0, SHOWN_INVALID_RULES).join('; ');
          const more =
            invalid.length > SHOWN_INVALID_RULES ? `; and ${invalid.length - SHOWN_INVALID_RULES} more` : '';
          return failed(
            `${invalid.length} of ${rules.length} rules invalid (the evaluator puts them in ERROR): ${shown}${more}`,
            'correct each named column of the row in alert_rules, or delete the rule (npm run rules -- delete ID) and add it again with npm run rules -- add; docs/alert-rules.md explains every field',
          );
        }
        const enabled = rules.filter(({ columns }) => columns.enabled === true).length;
        const count = rules.length === 1 ? '1 rule, valid' : `${rules.length} rules, all valid`;
        return ok(`${options.target}: ${count} (${enabled} enabled)`);
      } catch (error) {
        if (signal.aborted) throw error;
        if ((error as { code?: unknown }).code === UNDEFINED_TABLE) {
          return failed(
            `${options.target} has no alert_rules table`,
            'apply the migrations to that database: npm run migrate (with its DATABASE_URL)',
          );
        }
        return failed(`${options.target}: ${describeError(error)}`, options.unreachableFix);
      } finally {
        signal.removeEventListener('abort', destroy);
        // A connection that answered closes politely; one that did not may be hung, and is destroyed.
        if (healthy) client?.end().catch(() => undefined);
        else destroy();
      }
    },
  };
}

function problemsOf(columns: Record<string, unknown>): string[] {
  try {
    parseRuleColumns(columns);
    return [];
  } catch (error) {
    if (error instanceof InvalidRuleError) return [`${String(columns.id)} (${error.message})`];
    throw error;
  }
}

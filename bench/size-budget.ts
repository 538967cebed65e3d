import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './bundle';

export const SIZE_BUDGET_FILE = path.join(ROOT, 'bench', 'size-budget.json');

/** Minified bytes allowed per function and side bundle (bench/size-budget.json). */
export function readSizeBudgets(file = SIZE_BUDGET_FILE): Record<string, number> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { bundles?: Record<string, number> };
  return parsed.bundles ?? {};
}

/** Every problem with the measured sizes: a function over its budget, or a function without one. */
export function sizeBudgetProblems(sizes: Record<string, number>, budgets: Record<string, number>): string[] {
  return Object.entries(sizes).flatMap(([name, bytes]) => {
    const budget = budgets[name];
    if (budget === undefined)
      return [`${name}: no size budget in bench/size-budget.json (measured ${bytes} bytes)`];
    if (bytes > budget) {
      return [`${name}: ${bytes} bytes minified exceeds its budget of ${budget} (+${bytes - budget})`];
    }
    return [];
  });
}

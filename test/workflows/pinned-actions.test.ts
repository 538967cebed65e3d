import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const WORKFLOWS = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const USES = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/;
// owner/repo[/path]@<full commit SHA> # vX.Y.Z: a tag can be moved to other code, a commit cannot.
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^\s+# v\d+\.\d+\.\d+$/;

function usesLines(): { file: string; action: string; comment: string }[] {
  return readdirSync(WORKFLOWS)
    .filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) =>
      readFileSync(path.join(WORKFLOWS, file), 'utf8')
        .split('\n')
        .map((line) => USES.exec(line))
        .filter((match) => match !== null)
        .map((match) => ({ file, action: match[1] as string, comment: match[2] as string })),
    );
}

describe('actions in the workflows', () => {
  const uses = usesLines();
  const remote = uses.filter(({ action }) => !action.startsWith('./'));

  it('are found (checkout, setup-node, configure-aws-credentials at least)', () => {
    const names = new Set(remote.map(({ action }) => action.split('@')[0]));

    expect([...names].sort()).toEqual(
      expect.arrayContaining([
        'actions/checkout',
        'actions/setup-node',
        'aws-actions/configure-aws-credentials',
      ]),
    );
  });

  it('are each pinned by full commit SHA with the release in a comment', () => {
    const unpinned = remote.filter(
      ({ action, comment }) => !PINNED.test(action) || !VERSION_COMMENT.test(comment),
    );

    expect(unpinned).toEqual([]);
  });

  it('pin one commit per action across the workflows', () => {
    const commits = new Map<string, Set<string>>();
    for (const { action } of remote) {
      const [name, commit] = action.split('@') as [string, string];
      commits.set(name, (commits.get(name) ?? new Set()).add(commit));
    }

    const ambiguous = [...commits].filter(([, set]) => set.size > 1).map(([name]) => name);

    expect(ambiguous).toEqual([]);
  });

  it('recognizes a tag as unpinned', () => {
    expect(PINNED.test('actions/checkout@v4')).toBe(false);
    expect(PINNED.test('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683')).toBe(true);
  });
});

describe('the per-stage deploy', () => {
  const text = readFileSync(path.join(WORKFLOWS, 'deploy-stage.yml'), 'utf8');

  it('runs in the environment named after the stage, one deploy of a stage at a time, never cancelled', () => {
    expect(text).toMatch(/^ {4}environment: \$\{\{ inputs\.stage \}\}$/m);
    expect(text).toMatch(
      /^ {4}concurrency:\n {6}group: deploy-\$\{\{ inputs\.stage \}\}\n {6}cancel-in-progress: false$/m,
    );
  });

  it('assumes a role by OIDC and holds no long-lived key', () => {
    expect(text).toMatch(/role-to-assume: \$\{\{ vars\.AWS_DEPLOY_ROLE_ARN \}\}/);
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });
});

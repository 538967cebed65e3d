import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAND_DEPLOYED_STAGES, STAGES } from '../../lib/stages';

const WORKFLOWS = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), 'utf8');
const DEPLOYED = Object.keys(STAGES).filter((stage) => !HAND_DEPLOYED_STAGES.includes(stage));

/** A stage added to lib/stages.ts but not to the workflows would be neither checked nor deployed. */
describe('the workflows follow lib/stages.ts', () => {
  it('pull requests synthesize every stage', () => {
    const matrix = /^ {8}stage: \[([^\]\n]*)\]/m.exec(read('pull-request.yml'))?.[1];

    expect(matrix?.split(',').map((stage) => stage.trim())).toEqual(Object.keys(STAGES));
  });

  it('pull requests diff every deployed stage', () => {
    const loop = /for stage in ([\w -]+); do/.exec(read('pull-request.yml'))?.[1];

    expect(loop?.trim().split(/ +/)).toEqual(DEPLOYED);
  });

  it('main deploys every deployed stage, each after the one before', () => {
    const text = read('deploy.yml');
    const deployed = [...text.matchAll(/^ {6}stage: ([\w-]+)$/gm)].map((match) => match[1]);
    const needs = [...text.matchAll(/^ {4}needs: ([\w-]+)$/gm)].map((match) => match[1]);

    expect(deployed).toEqual(DEPLOYED);
    expect(needs).toEqual(DEPLOYED.slice(0, -1));
  });
});

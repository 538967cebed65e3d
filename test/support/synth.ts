import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../../lib/app';
import type { StageConfig } from '../../lib/config';
import { SignUpFlowMonitoringStack } from '../../lib/signupflow-monitoring-stack';

const CDK_JSON = path.resolve(__dirname, '..', '..', 'cdk.json');

/** cdk.json's context: `new App()` does not read cdk.json, and without its feature flags templates differ. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(CDK_JSON, 'utf8')).context;
}

export interface PluginReport {
  pluginName: string;
  conclusion: 'success' | 'failure';
  violations: { ruleName: string; severity: string; description: string }[];
}

export interface SynthesizedStack {
  stack: SignUpFlowMonitoringStack;
  template: Template;
  validationReport: { pluginReports: PluginReport[] };
  /** cdk-nag's AwsSolutions findings (the report also lists construct annotations, such as warnings). */
  nagFindings: PluginReport['violations'];
  cleanup(): void;
}

/**
 * The app as `cdk synth` builds it (cdk.json's context, cdk-nag's checks), for one stage, without bundling
 * the functions. Throws when cdk-nag reports an unacknowledged finding.
 */
export function synthesizeStack(stage = 'dev', context: Record<string, unknown> = {}): SynthesizedStack {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'signupflow-synth-'));
  const { app, stack } = createApp({
    outdir,
    context: { ...cdkJsonContext(), stage, 'aws:cdk:bundling-stacks': [], ...context },
  });
  try {
    app.synth();
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  const validationReport = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  return {
    stack,
    template: Template.fromStack(stack),
    validationReport,
    nagFindings: (validationReport.pluginReports as PluginReport[])
      .filter((report) => report.pluginName === 'AwsSolutions')
      .flatMap((report) => report.violations),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/**
 * A stack of `config` (a stage changed for the test) as `cdk synth` builds it: cdk.json's context, cdk-nag's
 * checks, no bundling, an account and region. Throws when cdk-nag reports an unacknowledged finding.
 */
export function synthesizeConfig(
  config: StageConfig,
  id = `SignUpFlowMonitoring-${config.stage}`,
): SynthesizedStack {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'signupflow-synth-'));
  const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new SignUpFlowMonitoringStack(app, id, {
    config,
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  const validationReport = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  return {
    stack,
    template: Template.fromStack(stack),
    validationReport,
    nagFindings: (validationReport.pluginReports as PluginReport[])
      .filter((report) => report.pluginName === 'AwsSolutions')
      .flatMap((report) => report.violations),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

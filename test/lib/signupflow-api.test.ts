import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FORMAT } from '../../lib/access-log-format';
import { loadStageConfig } from '../../lib/config';
import { runbookUrl } from '../../lib/runbook';
import { SignUpFlowApi } from '../../lib/signupflow-api';
import { stackParts } from '../support/stack-parts';
import { cdkJsonContext } from '../support/synth';

type Resource = { Properties: Record<string, unknown> };

describe('SignUpFlowApi 5xx rate alarm', () => {
  let outdir: string;
  let template: Template;
  const config = loadStageConfig('production');

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'signupflow-api-test-'));
    const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Api', { env: { account: '123456789012', region: 'eu-west-1' } });
    const { key, network, database } = stackParts(stack, config);
    new SignUpFlowApi(stack, 'Api', {
      config,
      key,
      database,
      vpcPlacement: network.placementFor({ postgres: true }),
    });
    template = Template.fromStack(stack);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  function alarm(): Resource['Properties'] {
    const alarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: 'signupflow-production-api-5xx-rate' },
      }),
    ) as Resource[];
    expect(alarms).toHaveLength(1);
    return (alarms[0] as Resource).Properties;
  }

  it("alarms on 100 x API Gateway's 5xx / Count of the stage, M of N from the stage config", () => {
    const { thresholdPercent, periodSeconds, evaluationPeriods, datapointsToAlarm } =
      config.alarms.apiServerErrors;
    const [apiId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'));
    const stageMetric = (metricName: string, id: string) => ({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: metricName,
          Dimensions: Match.arrayWith([
            { Name: 'ApiId', Value: { Ref: apiId } },
            { Name: 'Stage', Value: '$default' },
          ]),
        },
        Period: periodSeconds,
        Stat: 'Sum',
      },
    });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'signupflow-production-api-5xx-rate',
      Threshold: thresholdPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: evaluationPeriods,
      DatapointsToAlarm: datapointsToAlarm,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * FILL(errors, 0) / requests', ReturnData: true }),
        stageMetric('5xx', 'errors'),
        stageMetric('Count', 'requests'),
      ]),
    });
  });

  it('writes the access log line in the format the runbook parses and the cost model estimates', () => {
    // Assess: one stage, with the format of lib/access-log-format.ts.
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[];
    expect(stages).toHaveLength(1);
    expect((stages[0] as Resource).Properties.AccessLogSettings).toMatchObject({ Format: ACCESS_LOG_FORMAT });
  });

  it('keeps the access logs in an encrypted Infrequent Access log group, and the function logs (EMF) in Standard', () => {
    // Assess: EMF extraction and metric filters work only on Standard log groups.
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as [Resource];
    const destination = (stage.Properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': string[] } })
      .DestinationArn['Fn::GetAtt'][0] as string;
    const groups = template.findResources('AWS::Logs::LogGroup') as Record<string, Resource>;
    expect(groups[destination]?.Properties).toMatchObject({
      LogGroupClass: 'INFREQUENT_ACCESS',
      KmsKeyId: expect.anything(),
    });
    const others = Object.entries(groups).filter(([id]) => id !== destination);
    expect(others.length).toBeGreaterThan(0);
    for (const [, group] of others) expect(group.Properties.LogGroupClass).toBeUndefined();
  });

  it('says what it covers and where the runbook is', () => {
    const description = String(alarm().AlarmDescription);
    for (const covered of ['application errors', 'Lambda timeouts and crashes', 'integration failures']) {
      expect(description).toContain(covered);
    }
    expect(description).toContain(`Runbook: ${runbookUrl('api5xxRate')}`);
  });
});

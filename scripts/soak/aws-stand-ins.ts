import { createHash, randomUUID } from 'node:crypto';
import { FaultableServer, type StandInAnswer, type StandInRequest } from './faultable-server';
import type { MetricWorld } from './metric-world';

export const SOAK_NAMESPACE = 'Soak/World';
export const SOAK_METRIC = 'signal';

const json = (status: number, body: unknown, type = 'application/x-amz-json-1.0'): StandInAnswer => ({
  status,
  headers: { 'content-type': type },
  body: JSON.stringify(body),
});

/** A 500 and a throttle, in turn, in the JSON protocols' words. */
function jsonError(request: StandInRequest): StandInAnswer {
  const type = String(request.headers['content-type'] ?? 'application/x-amz-json-1.0');
  return request.body.length % 2 === 0
    ? json(500, { __type: 'InternalFailure', message: 'soak: internal failure' }, type)
    : json(400, { __type: 'ThrottlingException', message: 'soak: rate exceeded' }, type);
}

/**
 * CloudWatch as the evaluator's SDK speaks to it (AWS JSON 1.0): GetMetricData answers the soak's series from
 * the world, every other metric without data; ListMetrics lists nothing. Its poison is a PartialData answer.
 */
export function startCloudWatch(world: MetricWorld): Promise<FaultableServer> {
  const answer = (request: StandInRequest, status: string): StandInAnswer => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = JSON.parse(request.body || '{}') as {
      MetricDataQueries?: {
        Id: string;
        ReturnData?: boolean;
        MetricStat?: {
          Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] };
        };
      }[];
      StartTime?: number;
      EndTime?: number;
    };
    if (target.endsWith('.ListMetrics')) return json(200, { Metrics: [] });
    const start = (body.StartTime ?? 0) * 1_000;
    const end = (body.EndTime ?? 0) * 1_000;
    const results = (body.MetricDataQueries ?? [])
      .filter((query) => query.ReturnData !== false)
      .map((query) => {
        const metric = query.MetricStat?.Metric;
        const series = metric?.Dimensions?.find((dimension) => dimension.Name === 'rule')?.Value;
        const ours = metric?.Namespace === SOAK_NAMESPACE && metric.MetricName === SOAK_METRIC && series;
        const timestamps: number[] = [];
        const values: number[] = [];
        if (ours) {
          for (let minute = end - 60_000; minute >= start; minute -= 60_000) {
            timestamps.push(minute / 1_000);
            values.push(world.valueAt(series, new Date(minute)));
          }
        }
        return { Id: query.Id, StatusCode: status, Timestamps: timestamps, Values: values };
      });
    return json(200, { MetricDataResults: results, Messages: [] });
  };
  return FaultableServer.start('cloudwatch', {
    healthy: (request) => answer(request, 'Complete'),
    error: jsonError,
    poison: (request) => answer(request, 'PartialData'),
  });
}

export interface PublishedMessage {
  messageId: string;
  message: string;
  subject?: string;
  attributes: Record<string, { Type: string; Value: string }>;
}

/**
 * SNS as the SDK speaks to it (the Query protocol): a Publish it answers is taken, and handed to `deliver` (the
 * topic's subscription). Its errors are a 500 and a throttle in SNS's XML; its poison an answer no XML parser
 * reads.
 */
export function startSns(deliver: (message: PublishedMessage) => void): Promise<FaultableServer> {
  const error = (code: string, status: number) => ({
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>soak</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  });
  return FaultableServer.start('sns', {
    healthy: (request) => {
      const form = new URLSearchParams(request.body);
      const messageId = randomUUID();
      deliver({
        messageId,
        message: form.get('Message') ?? '',
        subject: form.get('Subject') ?? undefined,
        attributes: attributesOf(form),
      });
      return {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      };
    },
    error: (request) =>
      request.body.length % 2 === 0 ? error('InternalError', 500) : error('Throttling', 400),
    poison: () => ({ status: 500, headers: { 'content-type': 'text/xml' }, body: '<<<not xml' }),
  });
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` as SNS delivers them. */
function attributesOf(form: URLSearchParams): Record<string, { Type: string; Value: string }> {
  const attributes: Record<string, { Type: string; Value: string }> = {};
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index++) {
    attributes[form.get(`MessageAttributes.entry.${index}.Name`) as string] = {
      Type: form.get(`MessageAttributes.entry.${index}.Value.DataType`) ?? 'String',
      Value: form.get(`MessageAttributes.entry.${index}.Value.StringValue`) ?? '',
    };
  }
  return attributes;
}

/**
 * SQS as the notifier's dead-letter queue (AWS JSON 1.0): a SendMessage it answers is kept in `kept`. Its
 * poison is an answer whose MD5 does not match the body, which the SDK refuses.
 */
export function startSqs(kept: string[]): Promise<FaultableServer> {
  const answer = (request: StandInRequest, md5: (body: string) => string): StandInAnswer => {
    const body = String((JSON.parse(request.body || '{}') as { MessageBody?: string }).MessageBody ?? '');
    return json(200, { MessageId: randomUUID(), MD5OfMessageBody: md5(body) });
  };
  return FaultableServer.start('sqs', {
    healthy: (request) => {
      const reply = answer(request, (body) => createHash('md5').update(body).digest('hex'));
      kept.push(String((JSON.parse(request.body) as { MessageBody: string }).MessageBody));
      return reply;
    },
    error: jsonError,
    poison: (request) => answer(request, () => '00000000000000000000000000000000'),
  });
}

/**
 * Secrets Manager (AWS JSON 1.1) holding one secret: the Slack webhook URL. Its poison is the placeholder a
 * new secret is created with, which the notifier must not post to.
 */
export function startSecretsManager(secretArn: string, value: () => string): Promise<FaultableServer> {
  const secret = (secretString: string) =>
    json(
      200,
      {
        ARN: secretArn,
        Name: 'soak/slack-webhook',
        SecretString: secretString,
        VersionId: 'v1',
        CreatedDate: 1,
      },
      'application/x-amz-json-1.1',
    );
  return FaultableServer.start('secrets-manager', {
    healthy: () => secret(value()),
    error: jsonError,
    poison: () => secret('REPLACE_ME: set the webhook URL'),
  });
}

/**
 * The corpus the scrubber is measured on, both ways: secrets of every family in the messages they arrive in
 * (found: target all), and the ordinary tokens on-call needs (wrongly redacted: target none). Seeded, so every
 * run measures the same corpus; shared by the corpus test and `npm run bench`.
 */
import { SECRET_FORMATS } from '../../lambdas/shared/secret-formats';
import { secretFormatSamples } from '../fixtures/secret-format-samples';
import { type RandomText, randomText } from './random-text';

export interface CorpusSecret {
  category: string;
  text: string;
  secret: string;
}

export interface CorpusOrdinary {
  category: string;
  text: string;
}

/** Messages a secret arrives in: log lines, error messages, alarm descriptions, JSON that did not parse. */
const MESSAGES = [
  (s: string) => `request failed: ${s} was rejected by the upstream`,
  (s: string) => `Error: could not connect (credential ${s}): ECONNREFUSED`,
  (s: string) => `{"level":"ERROR","detail":"retrying with ${s}","attempt":2`,
  (s: string) => `Alarm description: rotate ${s} before Friday`,
  (s: string) => `${s}`,
];

/** A password as people choose them: letters, digits and a sign. */
function password(r: RandomText): string {
  return `${r.letters(6)}${r.digits(3)}${r.oneOf(['!', '#', '*', '-', '.', '~', '$'])}${r.letters(5)}`;
}

/** A credential of a format nobody here listed: random in one of the alphabets such tokens use. */
function unknownToken(r: RandomText): string {
  return r.oneOf([
    () => r.alnum(24),
    () => r.hex(32),
    () => r.base64url(22),
    () => password(r),
    () => r.lowerAlnum(20),
  ])();
}

export function secretCorpus(seed = 2026): CorpusSecret[] {
  const r = randomText(seed);
  const corpus: CorpusSecret[] = [];
  const add = (category: string, secret: string, text: string) => corpus.push({ category, text, secret });

  const samples = secretFormatSamples(seed);
  for (const format of SECRET_FORMATS) {
    for (const secret of samples[format.name] ?? []) {
      for (const message of MESSAGES) add(`vendor format: ${format.family}`, secret, message(secret));
    }
  }

  const afterKey = [
    (s: string) => `retry with password=${s} now`,
    (s: string) => `client_secret: ${s}`,
    (s: string) => `{"api_key": "${s}", "region": "eu-west-1"}`,
    (s: string) => `{\\"token\\": \\"${s}\\", \\"user\\": \\"jane\\"}`,
    (s: string) => `redirect=%2Fcb%3Faccess_token%3D${s}%26next%3D1`,
    (s: string) => `X-Api-Key: ${s}`,
    (s: string) => `Authorization: Token ${s}`,
    (s: string) => `db_pass=${s}`,
    (s: string) => `sentry_key=${s}, sentry_version=7`,
    (s: string) => `{"apiKey":"${s}"}`,
    (s: string) =>
      `DefaultEndpointsProtocol=https;AccountName=signupflow;AccountKey=${s};EndpointSuffix=core.windows.net`,
    (s: string) => `Server=db;Database=signupflow;User Id=app;Password=${s};`,
    (s: string) => `'secret_key' => '${s}'`,
    (s: string) => `private_key_id: ${s}`,
  ];
  for (let round = 0; round < 6; round++) {
    for (const message of afterKey) {
      const secret = message === afterKey[8] ? r.hex(32) : unknownToken(r);
      add('unknown format after a secret-naming key', secret, message(secret));
    }
  }

  const inQuery = [
    (s: string) => `GET /callback?code=${s}&state=xyz`,
    (s: string) => `/cb?a=1&token=${s}&page=2`,
    (s: string) => `https://x.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=${s}`,
    (s: string) => `https://maps.example.com/api?key=${s}&q=hall`,
    (s: string) => `/hook?api_key=${s}`,
    (s: string) => `https://b.s3.amazonaws.com/k?X-Amz-Signature=${s}&X-Amz-Expires=60`,
    (s: string) => `next=%2Fv1%3Fticket%3D${s}%26x%3D1`,
  ];
  for (let round = 0; round < 6; round++) {
    for (const message of inQuery) {
      const secret = unknownToken(r).replace(/[^A-Za-z0-9_-]/g, 'x');
      add('unknown format as a query parameter', secret, message(secret));
    }
  }

  const inUrl = [
    (s: string) => `connecting to postgres://app:${s}@db.internal:5432/signupflow`,
    (s: string) => `mongodb+srv://reporter:${s}@cluster0.example.net/app`,
    (s: string) => `redis://:${s}@cache.internal:6379/0`,
    (s: string) => `amqp://guest:${s}@mq.internal:5672`,
    (s: string) => `SENTRY_DSN is https://${s}@o4505.ingest.de.sentry.io/4506`,
  ];
  for (let round = 0; round < 6; round++) {
    for (const message of inUrl) {
      const secret = message === inUrl[4] ? r.hex(32) : password(r).replace(/[#~$]/g, '-');
      add('credentials in a connection string or URL', secret, message(secret));
    }
  }

  const shapes: [string, () => string][] = [
    ['base62, 32 to 64 characters', () => r.alnum(32 + r.int(33))],
    ['base64 (40: an AWS secret access key; 44: 32 bytes; 88)', () => r.base64(r.oneOf([40, 44, 88]))],
    ['base64url, 43 or 86 characters', () => r.base64url(r.oneOf([43, 86]))],
    ['upper case and digits, 32 or 40', () => r.upperAlnum(r.oneOf([32, 40]))],
    ['lower case and digits, 40', () => r.lowerAlnum(40)],
  ];
  for (const [shape, make] of shapes) {
    for (let index = 0; index < 40; index++) {
      const secret = make();
      add(`unknown format by its shape: ${shape}`, secret, r.oneOf(MESSAGES)(secret));
    }
  }
  return corpus;
}

export function ordinaryCorpus(seed = 2026): CorpusOrdinary[] {
  const r = randomText(seed);
  const corpus: CorpusOrdinary[] = [];
  const add = (category: string, make: () => string, count = 30) => {
    for (let index = 0; index < count; index++) corpus.push({ category, text: make() });
  };
  const stage = () => r.oneOf(['production', 'staging', 'dev']);
  const logicalId = () =>
    r.oneOf([
      'ApiFunction',
      'HealthFunction',
      'AlertEvaluatorFunction',
      'SlackNotifierFunction',
      'MetricsExporterFunction',
      'SlackActionsFunction',
      'AlertTopic',
      'NotifierDeadLetterQueue',
      'MonitoringKey',
      'EvaluatorSchedule',
    ]);
  // CloudFormation's physical names: logical id, a hash, and a random suffix.
  const physicalName = () => `SignUpFlowMonitoring-${stage()}-${logicalId()}${r.upperHex(8)}-${r.alnum(12)}`;

  add('request ids (Lambda, API Gateway, AWS SDK, SQS and SNS)', () =>
    r.oneOf([
      () => `function_request_id ${r.uuid()}`,
      () => `correlation_id=${r.alnum(14)}${r.oneOf(['=', 'A', 'g'])}`,
      () => `x-amzn-RequestId: ${r.uuid()}`,
      () => `messageId ${r.uuid()}`,
      () => `S3 request id ${r.upperHex(16)}`,
    ])(),
  );
  add('trace ids (X-Ray, W3C, Sentry event ids)', () =>
    r.oneOf([
      () => `Root=1-${r.hex(8)}-${r.hex(24)};Parent=${r.hex(16)};Sampled=1`,
      () => `traceparent: 00-${r.hex(32)}-${r.hex(16)}-01`,
      () => `sentry_event_id ${r.hex(32)}`,
      () => `trace 1-${r.hex(8)}-${r.hex(24)}`,
    ])(),
  );
  add('UUIDs', () => `rule ${r.uuid()} in error`);
  add('ARNs', () =>
    r.oneOf([
      () => `arn:aws:lambda:eu-west-1:123456789012:function:${physicalName()}`,
      () => `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/${physicalName()}:*`,
      () => `arn:aws:sns:eu-west-1:123456789012:${physicalName()}`,
      () => `arn:aws:kms:eu-west-1:123456789012:key/${r.uuid()}`,
      () =>
        `arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/${stage()}/slack-webhook/alerts-${r.alnum(6)}`,
      () =>
        `arn:aws:iam::123456789012:role/SignUpFlowMonitoring-${stage()}-${logicalId()}ServiceRole${r.upperHex(8)}-${r.alnum(12)}`,
      () => `arn:aws:execute-api:eu-west-1:123456789012:${r.lowerAlnum(10)}/*/GET/api/events/{id}`,
      () => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${physicalName()}`,
    ])(),
  );
  add('resource names and construct ids', () =>
    r.oneOf([
      () => physicalName(),
      () => `/aws/lambda/${physicalName()}`,
      () => `SignUpFlowMonitoring${stage()}${logicalId()}ServiceRoleDefaultPolicy${r.upperHex(8)}`,
      () => `${logicalId()}${r.upperHex(8)}`,
      () => `2026/11/30/[$LATEST]${r.hex(32)}`,
    ])(),
  );
  add('numbers', () =>
    r.oneOf([
      () => `error_rate ${r.int(100)}.${r.digits(2)} > 10`,
      () => `account 123456789012, ${r.digits(13)} ms since epoch`,
      () => `${r.digits(20)}`,
      () => `p99 ${r.int(5000)} ms over ${r.int(100000)} requests`,
    ])(),
  );
  add('commit SHAs and digests', () =>
    r.oneOf([
      () => `release ${r.hex(40)}`,
      () => `image sha256:${r.hex(64)}`,
      () => `GIT_COMMIT_SHA=${r.hex(7)}`,
    ])(),
  );
  const messages = [
    'Delivered to Slack',
    'GET /api/events/{id} answered 200 in 12 ms',
    'Rule alert_rule_high_error_rate: error_rate 12.5 > 10 for 2 of 3 minutes: firing, notified slack, email',
    'connect ECONNREFUSED 127.0.0.1:5432 while checking the database; retrying in 500 ms',
    'ResourceNotFoundException: Secrets Manager cannot find the specified secret.',
    'getMetricDataRequestTimeoutExceeded after 5000 ms (GraniteServiceVersion20100801.GetMetricData)',
    'node_modules/@aws-sdk/client-cloudwatch/dist-cjs/index.js:1234:56',
    'TypeError: Cannot read properties of undefined (reading volunteerSignupConfirmationEmailTemplate)',
    'The alert evaluator published 3 transitions to SignUpFlowMonitoringProductionAlertTopic',
    'cache_key=org-1:events:2026-11-30 partition_key=org-1 idempotency_key=2b7f0c1e-4d3a-4b2c-9e8f-1a2b3c4d5e6f',
    'status_code=503 error_code=ThrottlingException retry_after=2',
    'https://signupflow.example.org/api/events?organization_id=org-1&limit=20&page=2',
    'Slack answered 404 no_service: the webhook no longer exists',
    'passenger=3 author=Jane bypass=on oauth=1',
    'ValidationException_ThrottlingException_AccessDeniedException_ResourceNotFoundException',
  ];
  add('ordinary words and messages', () => r.oneOf(messages), messages.length * 2);
  return corpus;
}

/** A secret is found when no 12 characters of it in a row remain (nor all of it, when shorter). */
export function leaks(scrubbed: string, secret: string): boolean {
  const window = Math.min(12, secret.length);
  for (let start = 0; start + window <= secret.length; start++) {
    if (scrubbed.includes(secret.slice(start, start + window))) return true;
  }
  return false;
}

export interface CorpusFigure {
  category: string;
  kind: 'secrets' | 'ordinary';
  total: number;
  /** Secrets found, or ordinary texts changed (wrongly redacted). */
  count: number;
  /** Up to three examples of what went wrong: a leaked secret's text, or an ordinary text before and after. */
  examples: string[];
}

export function measureCorpus(scrub: (text: string) => string): CorpusFigure[] {
  const figures = new Map<string, CorpusFigure>();
  const figure = (category: string, kind: CorpusFigure['kind']) => {
    const key = `${kind}:${category}`;
    let entry = figures.get(key);
    if (!entry) {
      entry = { category, kind, total: 0, count: 0, examples: [] };
      figures.set(key, entry);
    }
    return entry;
  };
  for (const { category, text, secret } of secretCorpus()) {
    const entry = figure(category, 'secrets');
    const scrubbed = scrub(text);
    entry.total++;
    if (!leaks(scrubbed, secret)) entry.count++;
    else if (entry.examples.length < 3) entry.examples.push(scrubbed);
  }
  for (const { category, text } of ordinaryCorpus()) {
    const entry = figure(category, 'ordinary');
    const scrubbed = scrub(text);
    entry.total++;
    if (scrubbed !== text) {
      entry.count++;
      if (entry.examples.length < 3) entry.examples.push(`${text} → ${scrubbed}`);
    }
  }
  return [...figures.values()];
}

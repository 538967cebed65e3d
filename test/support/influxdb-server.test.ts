import {
  HttpError,
  InfluxDB,
  Point,
  RequestTimedOutError,
  type WriteOptions,
} from '@influxdata/influxdb-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InfluxStandIn, startInfluxServer } from './influxdb-server';

const MINUTE = new Date('2026-11-30T05:00:00Z');
const MINUTE_SECONDS = MINUTE.getTime() / 1000;

/** No retries and no timer flushes: each `flush()` is exactly one request the test can see. */
const ONE_REQUEST_PER_FLUSH: Partial<WriteOptions> = { maxRetries: 0, flushInterval: 0, batchSize: 1000 };

describe('InfluxDB 2.x stand-in', () => {
  let influx: InfluxStandIn;

  beforeEach(async () => {
    influx = await startInfluxServer();
  });

  afterEach(async () => {
    await influx.close();
  });

  function writeApi(options: Partial<WriteOptions> = {}, token = influx.token) {
    return new InfluxDB({ url: influx.url, token, timeout: 2_000 }).getWriteApi(
      influx.org,
      influx.bucket,
      's',
      {
        ...ONE_REQUEST_PER_FLUSH,
        ...options,
      },
    );
  }

  describe('write', () => {
    it('receives the client gzipped body, authorization and precision, and stores typed points', async () => {
      // Prepare
      const api = writeApi({ gzipThreshold: 1 });
      api.writePoint(
        new Point('http_requests')
          .tag('endpoint', '/signup')
          .tag('method', 'POST')
          .tag('status_code', '201')
          .intField('count', 42)
          .timestamp(MINUTE_SECONDS),
      );
      api.writePoint(
        new Point('http_request_duration')
          .tag('endpoint', '/signup')
          .floatField('p99_ms', 812.5)
          .timestamp(MINUTE_SECONDS),
      );

      // Act
      await api.flush();

      // Assess
      const [request] = influx.writes();
      expect(influx.writes()).toHaveLength(1);
      expect(request?.gzipped).toBe(true);
      expect(request?.headers['content-encoding']).toBe('gzip');
      expect(request?.headers.authorization).toBe(`Token ${influx.token}`);
      expect(request?.query).toEqual({ org: influx.org, bucket: influx.bucket, precision: 's' });
      expect(request?.body).toBe(
        `http_requests,endpoint=/signup,method=POST,status_code=201 count=42i ${MINUTE_SECONDS}\n` +
          `http_request_duration,endpoint=/signup p99_ms=812.5 ${MINUTE_SECONDS}`,
      );
      expect(influx.points()).toEqual([
        expect.objectContaining({
          measurement: 'http_requests',
          tags: { endpoint: '/signup', method: 'POST', status_code: '201' },
          fields: { count: 42 },
          fieldTypes: { count: 'integer' },
          time: MINUTE,
          bucket: influx.bucket,
        }),
        expect.objectContaining({
          measurement: 'http_request_duration',
          fields: { p99_ms: 812.5 },
          fieldTypes: { p99_ms: 'float' },
        }),
      ]);
    });

    it('takes a plain body when it is under the gzip threshold', async () => {
      // Prepare
      const api = writeApi({ gzipThreshold: 100_000 });
      api.writePoint(new Point('notifier').intField('delivered', 3).timestamp(MINUTE_SECONDS));

      // Act
      await api.flush();

      // Assess
      expect(influx.writes()[0]?.gzipped).toBe(false);
      expect(influx.writes()[0]?.headers['content-encoding']).toBeUndefined();
      expect(influx.points('notifier')[0]?.fields).toEqual({ delivered: 3 });
    });

    it('unescapes tags and string fields, and reads booleans and unsigned integers', async () => {
      // Prepare
      const api = writeApi();
      api.writePoint(
        new Point('alert_rules')
          .tag('rule_id', 'a rule, with=signs')
          .stringField('note', 'say "hi" \\ bye')
          .booleanField('firing', true)
          .uintField('value', 7)
          .timestamp(MINUTE_SECONDS),
      );

      // Act
      await api.flush();

      // Assess
      expect(influx.writes()[0]?.body).toContain('rule_id=a\\ rule\\,\\ with\\=signs');
      const [point] = influx.points('alert_rules');
      expect(point?.tags).toEqual({ rule_id: 'a rule, with=signs' });
      expect(point?.fields).toEqual({ note: 'say "hi" \\ bye', firing: true, value: 7 });
      expect(point?.fieldTypes).toEqual({ note: 'string', firing: 'boolean', value: 'uinteger' });
    });

    it('overwrites a rewrite of the same series and timestamp, as InfluxDB does', async () => {
      // Prepare
      const api = writeApi();
      const point = (count: number) =>
        new Point('http_requests')
          .tag('endpoint', '/signup')
          .intField('count', count)
          .timestamp(MINUTE_SECONDS);
      api.writePoint(point(1));
      await api.flush();

      // Act
      api.writePoint(point(5));
      api.writePoint(point(6).timestamp(MINUTE_SECONDS + 60));
      await api.flush();

      // Assess
      expect(influx.points('http_requests').map((stored) => [stored.time, stored.fields.count])).toEqual([
        [MINUTE, 5],
        [new Date(MINUTE.getTime() + 60_000), 6],
      ]);
    });

    it('refuses a wrong token with 401 and the JSON error InfluxDB sends, storing nothing', async () => {
      // Prepare
      const api = writeApi({}, 'not-the-token');
      api.writePoint(new Point('notifier').intField('delivered', 1).timestamp(MINUTE_SECONDS));

      // Act
      const error = await api.flush().catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).statusCode).toBe(401);
      expect(JSON.parse((error as HttpError).body ?? '')).toEqual({
        code: 'unauthorized',
        message: 'unauthorized access',
      });
      expect(influx.points()).toEqual([]);
    });

    it('answers 400 to malformed line protocol and 422 to a field that changes type', async () => {
      // Prepare
      const api = writeApi();
      api.writePoint(
        new Point('lambda').tag('function', 'evaluator').intField('errors', 1).timestamp(MINUTE_SECONDS),
      );
      await api.flush();

      // Act
      api.writeRecord('lambda,function=evaluator errors=oops 1');
      const malformed = await api.flush().catch((caught: HttpError) => caught);
      api.writeRecord(`lambda,function=evaluator errors=2.5 ${MINUTE_SECONDS + 60}`);
      const conflict = await api.flush().catch((caught: HttpError) => caught);

      // Assess
      expect(malformed).toMatchObject({ statusCode: 400 });
      expect(JSON.parse((malformed as HttpError).body ?? '').message).toContain('invalid number "oops"');
      expect(conflict).toMatchObject({ statusCode: 422 });
      expect(JSON.parse((conflict as HttpError).body ?? '').message).toContain('field type conflict');
      expect(influx.points('lambda')).toHaveLength(1);
    });

    it('answers 400, not 500, to a body that claims gzip and is not', async () => {
      // Act
      const response = await fetch(
        `${influx.url}/api/v2/write?org=${influx.org}&bucket=${influx.bucket}&precision=s`,
        {
          method: 'POST',
          headers: { authorization: `Token ${influx.token}`, 'content-encoding': 'gzip' },
          body: 'notifier delivered=1i 1',
        },
      );

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 'invalid', message: 'unable to decode the gzip body' });
      expect(influx.points()).toEqual([]);
    });

    it('records the raw gzip body decoded, the same bytes the client compressed', async () => {
      // Prepare
      const api = writeApi({ gzipThreshold: 1 });
      const lines = Array.from(
        { length: 50 },
        (_, index) => `health,component=c${index} healthy=1i ${MINUTE_SECONDS}`,
      );
      api.writeRecords(lines);

      // Act
      await api.flush();

      // Assess
      expect(influx.writes()[0]?.body).toBe(lines.join('\n'));
      expect(influx.points('health')).toHaveLength(50);
    });
  });

  describe('query', () => {
    it('answers collectRows with the test rows, typed as the client parses annotated CSV', async () => {
      // Prepare
      const fluxSeen: string[] = [];
      influx.answerQueries((flux) => {
        fluxSeen.push(flux);
        return [
          {
            _start: '2026-11-30T04:00:00Z',
            _stop: '2026-11-30T05:00:00Z',
            _time: MINUTE,
            _value: 12.5,
            _field: 'count',
            _measurement: 'http_requests',
            endpoint: '/signup, "quoted"',
          },
          {
            table: 1,
            _time: '2026-11-30T05:01:00Z',
            _value: null,
            _field: 'count',
            _measurement: 'http_requests',
          },
        ];
      });
      const flux = 'from(bucket: "signupflow") |> range(start: -1h)';

      // Act
      const rows = await new InfluxDB({ url: influx.url, token: influx.token })
        .getQueryApi(influx.org)
        .collectRows<Record<string, unknown>>(flux);

      // Assess
      expect(fluxSeen).toEqual([flux]);
      expect(rows).toEqual([
        {
          result: '_result',
          table: 0,
          _start: '2026-11-30T04:00:00Z',
          _stop: '2026-11-30T05:00:00Z',
          _time: '2026-11-30T05:00:00.000Z',
          _value: 12.5,
          _field: 'count',
          _measurement: 'http_requests',
          endpoint: '/signup, "quoted"',
        },
        {
          result: '_result',
          table: 1,
          _start: null,
          _stop: null,
          _time: '2026-11-30T05:01:00Z',
          _value: null,
          _field: 'count',
          _measurement: 'http_requests',
          endpoint: '',
        },
      ]);
      expect(influx.requests[0]?.query).toEqual({ org: influx.org });
    });

    it('gives no rows for an empty answer and a 400 when the answer function throws', async () => {
      // Prepare
      const queryApi = new InfluxDB({ url: influx.url, token: influx.token }).getQueryApi(influx.org);

      // Act
      const empty = await queryApi.collectRows('from(bucket: "signupflow")');
      influx.answerQueries(() => {
        throw new Error('undefined identifier "frm"');
      });
      const error = await queryApi
        .collectRows('frm(bucket: "signupflow")')
        .catch((caught: HttpError) => caught);

      // Assess
      expect(empty).toEqual([]);
      expect(error).toMatchObject({ statusCode: 400 });
    });
  });

  describe('failure controls', () => {
    it('refuses connections while down and answers again on the same port after up', async () => {
      // Prepare
      const api = writeApi();
      const urlBefore = influx.url;

      // Act
      await influx.down();
      api.writePoint(new Point('notifier').intField('delivered', 1).timestamp(MINUTE_SECONDS));
      const refused = await api.flush().catch((caught: NodeJS.ErrnoException) => caught);
      await influx.up();
      api.writePoint(new Point('notifier').intField('delivered', 2).timestamp(MINUTE_SECONDS + 60));
      await api.flush();

      // Assess
      expect((refused as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      expect(influx.url).toBe(urlBefore);
      expect(influx.points('notifier').map((point) => point.fields.delivered)).toEqual([2]);
    });

    it('accepts and never answers while hung, until resumed', async () => {
      // Prepare
      const influxClient = new InfluxDB({ url: influx.url, token: influx.token, timeout: 300 });
      const api = influxClient.getWriteApi(influx.org, influx.bucket, 's', ONE_REQUEST_PER_FLUSH);
      influx.hang();

      // Act
      api.writePoint(new Point('notifier').intField('delivered', 1).timestamp(MINUTE_SECONDS));
      const timedOut = await api.flush().catch((caught: unknown) => caught);
      influx.resume();
      api.writePoint(new Point('notifier').intField('delivered', 2).timestamp(MINUTE_SECONDS));
      await api.flush();

      // Assess
      expect(timedOut).toBeInstanceOf(RequestTimedOutError);
      expect(influx.writes()).toHaveLength(2);
      expect(influx.points('notifier').map((point) => point.fields.delivered)).toEqual([2]);
    });

    it('answers one request with a scripted reply, then handles the next one normally', async () => {
      // Prepare
      const api = writeApi();
      influx.respondWith(429, { code: 'too many requests', message: 'slow down' }, { 'retry-after': '30' });

      // Act
      api.writePoint(new Point('notifier').intField('delivered', 1).timestamp(MINUTE_SECONDS));
      const throttled = await api.flush().catch((caught: HttpError) => caught);
      api.writePoint(new Point('notifier').intField('delivered', 2).timestamp(MINUTE_SECONDS));
      await api.flush();

      // Assess
      expect(throttled).toBeInstanceOf(HttpError);
      expect((throttled as HttpError).statusCode).toBe(429);
      expect((throttled as HttpError).retryAfter()).toBe(30); // the header, in seconds, as the client reads it
      expect(influx.points('notifier').map((point) => point.fields.delivered)).toEqual([2]);
    });
  });
});

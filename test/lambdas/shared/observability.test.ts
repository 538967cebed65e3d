import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Observability = typeof import('../../../lambdas/shared/observability');

const SAMPLED = 'Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=1';
const NOT_SAMPLED = 'Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=0';

describe('the tracer, loaded only for a sampled invocation', () => {
  let observability: Observability;
  const importTracer = vi.fn();

  beforeEach(async () => {
    // Prepare: a fresh module, its side bundle counted (the real package behind it).
    vi.resetModules();
    importTracer.mockReset();
    const actual = await vi.importActual<typeof import('../../../lambdas/shared/side-bundles')>(
      '../../../lambdas/shared/side-bundles',
    );
    importTracer.mockImplementation(actual.importTracer);
    vi.doMock('../../../lambdas/shared/side-bundles', () => ({ ...actual, importTracer }));
    observability = await import('../../../lambdas/shared/observability');
  });
  afterEach(() => {
    vi.doUnmock('../../../lambdas/shared/side-bundles');
    vi.unstubAllEnvs();
  });

  it('never loads the X-Ray SDK for invocations X-Ray did not sample (pass-through tracing)', async () => {
    // Act
    vi.stubEnv('_X_AMZN_TRACE_ID', NOT_SAMPLED);
    const notSampled = await observability.sampledTracer();
    vi.stubEnv('_X_AMZN_TRACE_ID', '');
    const noHeader = await observability.sampledTracer();
    // Assess
    expect(notSampled).toBeUndefined();
    expect(noHeader).toBeUndefined();
    expect(importTracer).not.toHaveBeenCalled();
  });

  it('loads the tracer once, at the first sampled invocation', async () => {
    // Act
    vi.stubEnv('_X_AMZN_TRACE_ID', SAMPLED);
    const first = await observability.sampledTracer();
    const second = await observability.sampledTracer();
    // Assess
    expect(first?.constructor.name).toBe('Tracer');
    expect(second).toBe(first);
    expect(importTracer).toHaveBeenCalledTimes(1);
  });

  it('runs untraced when the tracer fails to load, and tries again at the next sampled invocation', async () => {
    // Prepare
    vi.stubEnv('_X_AMZN_TRACE_ID', SAMPLED);
    importTracer.mockRejectedValueOnce(new Error('tracer.mjs: no such file'));
    // Act
    const failed = await observability.sampledTracer();
    const retried = await observability.sampledTracer();
    // Assess
    expect(failed).toBeUndefined();
    expect(retried?.constructor.name).toBe('Tracer');
    expect(importTracer).toHaveBeenCalledTimes(2);
  });
});

import { describe, expect, it } from 'vitest';
import { parseVerifyArgs, USAGE, UsageError } from '../../../scripts/verify';

describe('npm run verify arguments', () => {
  it('takes --local with an optional --url and --timeout in seconds', () => {
    // Act
    const request = parseVerifyArgs(['--local', '--url', 'http://127.0.0.1:4000', '--timeout', '2.5']);

    // Assess
    expect(request).toEqual({ mode: { local: true, url: 'http://127.0.0.1:4000' }, timeoutMs: 2_500 });
    expect(parseVerifyArgs(['--stage', 'production'])).toEqual({
      mode: { stage: 'production' },
      timeoutMs: 5_000,
    });
  });

  it.each([
    [[], /^Give either --local or --stage NAME\./],
    [['--local', '--stage', 'dev'], /^Give either --local or --stage NAME\./],
    [['--stage', 'dev', '--url', 'http://127.0.0.1:3000'], /^--url is for --local/],
    [['--local', '--url', 'localhost:3000'], /^--url: expected an http\(s\) URL/],
    [['--local', '--timeout', '0'], /^--timeout: got '0', expected seconds between 0 and 60/],
    [['--local', '--timeout', 'soon'], /^--timeout: got 'soon'/],
    [['--local', '--verbose'], /Unknown option '--verbose'/],
  ])('refuses %j with a usage error', (argv, message) => {
    // Act
    const parse = () => parseVerifyArgs(argv);

    // Assess
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it('answers --help with the usage alone', () => {
    // Act
    const parse = () => parseVerifyArgs(['--help']);

    // Assess
    expect(parse).toThrow(new UsageError(USAGE));
  });
});

/** Everything written to stdout and stderr while capturing: what Lambda would ship to CloudWatch Logs. */
export interface CapturedOutput {
  text(): string;
  /** Each line parsed as JSON (Powertools logs and EMF documents are one JSON object per line). */
  records(): Record<string, unknown>[];
  emf(): Record<string, unknown>[];
  clear(): void;
  restore(): void;
}

export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  const text = () => chunks.join('');
  const records = () =>
    text()
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    text,
    records,
    emf: () => records().filter((record) => '_aws' in record),
    clear: () => {
      chunks.length = 0;
    },
    restore: () => {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
    },
  };
}

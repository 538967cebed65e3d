/** Lines the log-bytes child prints around the requests it measures, on stdout and on stderr. */
export const START_MARK = '@@signupflow-bench-start@@';
export const END_MARK = '@@signupflow-bench-end@@';

/** The bytes printed between the two marks (the marks' own lines excluded). */
export function between(output: string, start = START_MARK, end = END_MARK): string {
  const from = output.indexOf(`${start}\n`);
  const to = output.indexOf(`${end}\n`);
  if (from === -1 || to === -1 || to < from) throw new Error('The benchmark child did not print both marks');
  return output.slice(from + start.length + 1, to);
}

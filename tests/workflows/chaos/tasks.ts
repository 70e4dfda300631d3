/** The task of the chaos test: a few milliseconds of work, then n + 1. */
export async function inc(input: { n: number }): Promise<number> {
  await new Promise((r) => setTimeout(r, 2));
  return input.n + 1;
}

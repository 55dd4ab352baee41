/**
 * Runs `work` over items with at most `limit` running at once, in item order. Once the signal is
 * aborted no new item starts; the ones running finish (their own signal handling ends them).
 */
export async function mapLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

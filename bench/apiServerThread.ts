/**
 * The stub API server (test/helpers/apiserver) in a worker thread, for benchmarks. In the
 * benchmark's own thread the server's work (TLS handshakes, apply, watch streams) would run in
 * series with an in-process client and count against it, while kubectl, a process of its own, gets
 * the server concurrently; on a thread of its own the server answers every client alike.
 * The thread is driven by messages: read or clear the recorded requests, remove objects, simulate a
 * rollout. Times it reports are `performance.timeOrigin + performance.now()`, which both threads share.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ObjectRef } from '../server/src/cluster/types';
import { startApiServer } from '../test/helpers/apiserver';
import type { ApiServer, RecordedRequest, Simulation } from '../test/helpers/apiserver';

const MARK = 'image-aware-bench-api-server';

export interface ApiServerThread {
  readonly url: string;
  /** A kubeconfig with context "stub" (namespace "default") and the admin token. */
  readonly kubeconfigPath: string;
  requests(): Promise<RecordedRequest[]>;
  requestCount(): Promise<number>;
  clearRequests(): Promise<void>;
  remove(refs: readonly ObjectRef[]): Promise<void>;
  /** Walks a Deployment through a rollout; resolves with the (shared-clock) time its last status was written. */
  simulate(ref: { readonly name: string }, simulation: Simulation): Promise<number>;
  close(): Promise<void>;
}

/** What the thread does for each message, by name. */
function handlers(api: ApiServer) {
  return {
    requests: () => api.requests,
    requestCount: () => api.requests.length,
    clearRequests: () => api.clearRequests(),
    remove: (refs: readonly ObjectRef[]) => refs.forEach((r) => api.remove(r.apiVersion, r.kind, r.namespace, r.name)),
    simulate: async (ref: { readonly name: string }, simulation: Simulation) => {
      await api.simulate(ref, simulation);
      return performance.timeOrigin + performance.now();
    },
    close: () => api.close(),
  };
}

type Method = keyof ReturnType<typeof handlers>;
interface Call {
  readonly id: number;
  readonly method: Method;
  readonly args: unknown[];
}
type Answer = { readonly id: number; readonly value: unknown } | { readonly id: number; readonly error: string };

async function serve(port: NonNullable<typeof parentPort>): Promise<void> {
  const api = await startApiServer();
  const answer = handlers(api) as Record<Method, (...args: unknown[]) => unknown>;
  port.on('message', (call: Call) => {
    Promise.resolve()
      .then(() => answer[call.method](...call.args))
      .then(
        (value) => port.postMessage({ id: call.id, value } satisfies Answer),
        (error: unknown) => port.postMessage({ id: call.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Answer),
      )
      .finally(() => {
        if (call.method === 'close') port.close();
      });
  });
  port.postMessage({ url: api.url, kubeconfigPath: api.kubeconfigPath });
}

/** Starts the stub API server in a worker thread; resolves once it listens. */
export async function startApiServerThread(): Promise<ApiServerThread> {
  const worker = new Worker(__filename, { workerData: MARK });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const started = await new Promise<{ url: string; kubeconfigPath: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  worker.on('message', (answer: Answer) => {
    const call = pending.get(answer.id);
    pending.delete(answer.id);
    if ('error' in answer) call?.reject(new Error(`the API server thread failed: ${answer.error}`));
    else call?.resolve(answer.value);
  });
  worker.on('error', (error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  const call = <T>(method: Method, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, args } satisfies Call);
    });
  return {
    ...started,
    requests: () => call('requests'),
    requestCount: () => call('requestCount'),
    clearRequests: () => call('clearRequests'),
    remove: (refs) => call('remove', refs),
    simulate: (ref, simulation) => call('simulate', ref, simulation),
    close: async () => {
      await call('close');
      await worker.terminate();
    },
  };
}

if (!isMainThread && workerData === MARK && parentPort) void serve(parentPort);

/**
 * Shared pieces of the cluster adapter tests: a loopback API server per test file (the real
 * protocol, test/helpers/apiserver), a folder for kubeconfigs and kubectl's HOME, a port nobody
 * listens on, and the real kubectl run asynchronously (the server lives in this process, so a
 * blocking spawn would starve it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../server/src/cluster/types';
import type { RecordedRequest } from '../helpers/apiserver';

export function tempFolder(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A loopback port that was free a moment ago and has nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Writes a kubeconfig whose context "gone-ctx" names a loopback port nobody listens on; returns that port. */
export async function unreachableKubeconfig(path: string, caData: string): Promise<number> {
  const port = await closedPort();
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'gone', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': caData } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'gone-ctx', context: { cluster: 'gone', user: 'u' } }],
      'current-context': 'gone-ctx',
    }),
  );
  return port;
}

/** Runs the real kubectl with this kubeconfig; a missing kubectl fails the test with the reason. */
export function kubectl(kubeconfig: string, home: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', [...args], { env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')} failed (is kubectl 1.32 on PATH?): ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The writes among recorded requests (what the comparison with kubectl is about). */
export function writes(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== 'GET');
}

/** A Deployment of one container "web" whose pods are labelled app=<name>. */
export function deployment(name: string, replicas: number, image = 'nginx:1.25', pullPolicy?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image, ...(pullPolicy ? { imagePullPolicy: pullPolicy } : {}) }] } },
    },
  };
}

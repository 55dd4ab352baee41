/**
 * Deterministic generator of large, realistic multi-document Kubernetes manifests for benchmarks.
 *
 * `generateManifest(targetBytes, seed)` returns a YAML stream of roughly `targetBytes` characters
 * (about 1 KB per document): workloads of every kind the analysis knows (Deployment, StatefulSet,
 * DaemonSet, Job, CronJob, Pod, ReplicaSet) mixed with image-less Service, ConfigMap and (pull) Secret
 * documents.
 * Documents carry the fields real manifests have (labels, annotations, resources, env, probes,
 * ports, volume mounts, flow-sequence `args`, `command: |` block scalars, comments, initContainers)
 * and images of every shape (tagged, :latest, untagged, digests, registry ports, quoted, a few
 * `${VAR}` templates and invalid ones), now and then an invalid imagePullPolicy. A few
 * documents use anchors and aliases, as hand-written manifests sometimes do.
 *
 * The same (targetBytes, seed) always yields the same text. Generation is not timed by benchmarks.
 */

/** mulberry32: small, fast, good enough for test data, and identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  constructor(private readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += '0123456789abcdef'[Math.floor(this.random() * 16)];
    return s;
  }
}

export const APPS = [
  'web',
  'api',
  'worker',
  'frontend',
  'backend',
  'cache',
  'queue',
  'auth',
  'billing',
  'search',
  'gateway',
  'ingest',
  'metrics',
  'scheduler',
  'notifier',
  'reports',
  'payments',
  'catalog',
  'cart',
  'users',
];
export const TEAMS = ['platform', 'payments', 'growth', 'data', 'infra', 'identity', 'search', 'mobile'];
export const ENVS = ['dev', 'staging', 'prod', 'qa'];
export const NAMESPACES = ['default', 'apps', 'platform', 'monitoring', 'batch', 'data', 'edge'];
const REPOS = [
  'nginx',
  'redis',
  'postgres',
  'busybox',
  'alpine',
  'python',
  'node',
  'golang',
  'envoyproxy/envoy',
  'library/memcached',
  'bitnami/kafka',
  'grafana/grafana',
  'prom/prometheus',
  'curlimages/curl',
];
export const REGISTRIES = [
  'docker.io',
  'gcr.io/my-project',
  'ghcr.io/acme',
  'quay.io/prometheus',
  'registry.k8s.io',
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  'europe-docker.pkg.dev/acme-prod/apps',
];
const PORT_REGISTRIES = ['localhost:5000', 'registry.internal:5000', 'harbor.acme.corp:8443/team', '10.0.0.12:5000'];
const ENV_NAMES = ['LOG_LEVEL', 'PORT', 'DATABASE_URL', 'REDIS_HOST', 'FEATURE_FLAGS', 'GOMAXPROCS', 'NODE_ENV', 'TZ', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
const POLICIES = ['Always', 'IfNotPresent', 'Never'];

function tag(g: Gen): string {
  return g.pick([
    `${g.int(1, 3)}.${g.int(0, 30)}.${g.int(0, 12)}`,
    `v${g.int(0, 5)}.${g.int(0, 20)}.${g.int(0, 9)}`,
    `${g.int(1, 20)}-alpine`,
    `${g.int(3, 3)}.${g.int(8, 12)}-slim`,
    `sha-${g.hex(7)}`,
    `release-${2020 + g.int(0, 5)}${String(g.int(1, 12)).padStart(2, '0')}`,
  ]);
}

/** An image value (unquoted text) of a random shape. */
export function imageValue(g: Gen, app: string): string {
  const shape = g.int(0, 99);
  const repo = g.chance(0.5) ? g.pick(REPOS) : `${g.pick(TEAMS)}/${app}`;
  if (shape < 45) return `${repo}:${tag(g)}`;
  if (shape < 60) return `${g.pick(REGISTRIES)}/${repo}:${tag(g)}`;
  if (shape < 70) return `${g.pick(REGISTRIES)}/${repo}@sha256:${g.hex(64)}`;
  if (shape < 75) return `${repo}:${tag(g)}@sha256:${g.hex(64)}`;
  if (shape < 82) return `${g.pick(PORT_REGISTRIES)}/${repo}:${tag(g)}`;
  if (shape < 86) return `${g.pick(PORT_REGISTRIES)}/${repo}`;
  if (shape < 92) return `${repo}:latest`;
  if (shape < 97) return repo; // no tag: implicit :latest
  if (shape < 99) return `\${REGISTRY}/${app}:\${IMAGE_TAG}`; // envsubst template
  return `${g.pick(TEAMS)}/${app.toUpperCase()}:${tag(g)}`; // invalid: uppercase repository
}

function quoted(g: Gen, value: string): string {
  const q = g.int(0, 99);
  if (q < 6) return `"${value}"`;
  if (q < 9) return `'${value}'`;
  return value;
}

export class Writer {
  readonly lines: string[] = [];
  line(indent: number, text: string): void {
    this.lines.push(' '.repeat(indent) + text);
  }
}

function labels(w: Writer, g: Gen, indent: number, app: string, name: string): void {
  w.line(indent, 'labels:');
  w.line(indent + 2, `app: ${app}`);
  w.line(indent + 2, `app.kubernetes.io/name: ${name}`);
  if (g.chance(0.6)) w.line(indent + 2, `app.kubernetes.io/part-of: ${g.pick(TEAMS)}`);
  if (g.chance(0.5)) w.line(indent + 2, `environment: ${g.pick(ENVS)}`);
  if (g.chance(0.3)) w.line(indent + 2, `version: "${g.int(1, 9)}.${g.int(0, 20)}"`);
}

function metadata(w: Writer, g: Gen, name: string, app: string, withLabels = true): void {
  w.line(0, 'metadata:');
  w.line(2, `name: ${name}`);
  if (g.chance(0.7)) w.line(2, `namespace: ${g.pick(NAMESPACES)}`);
  if (withLabels) labels(w, g, 2, app, name);
  if (g.chance(0.3)) {
    w.line(2, 'annotations:');
    w.line(4, `deployment.kubernetes.io/revision: "${g.int(1, 40)}"`);
    if (g.chance(0.5)) w.line(4, `owner: team-${g.pick(TEAMS)}@example.com`);
  }
}

function container(w: Writer, g: Gen, indent: number, app: string, name: string, init: boolean): void {
  const i = indent + 2;
  w.line(indent, `- name: ${name}`);
  w.line(i, `image: ${quoted(g, imageValue(g, app))}`);
  if (g.chance(0.45)) w.line(i, `imagePullPolicy: ${g.chance(0.02) ? 'always' : g.pick(POLICIES)}`);
  if (init) {
    if (g.chance(0.5)) {
      w.line(i, 'command:');
      w.line(i + 2, '- sh');
      w.line(i + 2, '- -c');
      w.line(i + 2, `- until nc -z ${g.pick(APPS)} ${g.int(1000, 9999)}; do sleep 2; done`);
    } else {
      w.line(i, `command: ["/bin/sh", "-c", "echo init ${name}"]`);
    }
    return;
  }
  if (g.chance(0.15)) {
    w.line(i, 'command:');
    w.line(i + 2, '- /bin/sh');
    w.line(i + 2, '- -c');
    w.line(i + 2, '- |');
    w.line(i + 4, `echo "starting ${name}"`);
    w.line(i + 4, `exec /app/${app} --config /etc/${app}/config.yaml`);
  } else if (g.chance(0.1)) {
    w.line(i, 'command: |');
    w.line(i + 2, `/app/${app} serve`);
  }
  if (g.chance(0.6)) {
    const port = g.pick(['8080', '8443', '9090', '3000', '5000']);
    w.line(i, `args: ["--port", "${port}", "--log-level", "${g.pick(['info', 'debug', 'warn'])}"]`);
  }
  w.line(i, 'ports:');
  w.line(i + 2, `- containerPort: ${g.pick([80, 443, 8080, 9090, 3000, 6379, 5432])}`);
  w.line(i + 4, `name: ${g.pick(['http', 'https', 'metrics', 'grpc'])}`);
  if (g.chance(0.3)) w.line(i + 4, 'protocol: TCP');
  if (g.chance(0.8)) {
    w.line(i, 'env:');
    for (let e = g.int(1, 3); e > 0; e--) {
      const envName = g.pick(ENV_NAMES);
      w.line(i + 2, `- name: ${envName}`);
      if (g.chance(0.25)) {
        w.line(i + 4, 'valueFrom:');
        w.line(i + 6, 'secretKeyRef:');
        w.line(i + 8, `name: ${app}-secrets`);
        w.line(i + 8, `key: ${envName.toLowerCase()}`);
      } else {
        w.line(i + 4, `value: "${g.pick(['info', '8080', 'true', 'UTC', 'production', `http://${g.pick(APPS)}:${g.int(1000, 9999)}`])}"`);
      }
    }
  }
  if (g.chance(0.85)) {
    w.line(i, 'resources:');
    w.line(i + 2, 'requests:');
    w.line(i + 4, `cpu: ${g.pick(['50m', '100m', '250m', '500m', '1'])}`);
    w.line(i + 4, `memory: ${g.pick(['64Mi', '128Mi', '256Mi', '512Mi', '1Gi'])}`);
    w.line(i + 2, 'limits:');
    w.line(i + 4, `cpu: ${g.pick(['500m', '1', '2'])}`);
    w.line(i + 4, `memory: ${g.pick(['256Mi', '512Mi', '1Gi', '2Gi'])}`);
  }
  if (g.chance(0.5)) {
    w.line(i, 'livenessProbe:');
    w.line(i + 2, 'httpGet:');
    w.line(i + 4, `path: /healthz`);
    w.line(i + 4, `port: ${g.pick(['http', '8080'])}`);
    w.line(i + 2, `initialDelaySeconds: ${g.int(0, 30)}`);
    w.line(i + 2, `periodSeconds: ${g.pick([5, 10, 15])}`);
  }
  if (g.chance(0.4)) {
    w.line(i, 'readinessProbe:');
    w.line(i + 2, 'tcpSocket: { port: 8080 }');
    w.line(i + 2, 'timeoutSeconds: 2');
  }
  if (g.chance(0.3)) {
    w.line(i, 'volumeMounts:');
    w.line(i + 2, `- name: config`);
    w.line(i + 4, `mountPath: /etc/${app}`);
    w.line(i + 4, 'readOnly: true');
  }
}

/** A pod spec (the mapping under `spec:` or `template.spec:`) at the given indent. */
function podSpec(w: Writer, g: Gen, indent: number, app: string, restartPolicy?: string): void {
  if (restartPolicy) w.line(indent, `restartPolicy: ${restartPolicy}`);
  if (g.chance(0.3)) w.line(indent, `serviceAccountName: ${app}`);
  if (g.chance(0.35)) {
    w.line(indent, 'imagePullSecrets:');
    w.line(indent + 2, `- name: ${g.pick(['regcred', 'ecr-pull', 'ghcr-token', `${app}-pull`])}`);
  }
  if (g.chance(0.3)) {
    w.line(indent, 'initContainers:');
    container(w, g, indent + 2, app, `${app}-init`, true);
  }
  if (g.chance(0.2)) w.line(indent, '# the main container listens on the port given in args');
  w.line(indent, 'containers:');
  const count = g.chance(0.2) ? 2 : 1;
  for (let c = 0; c < count; c++) container(w, g, indent + 2, app, c === 0 ? app : `${app}-sidecar`, false);
  if (g.chance(0.35)) {
    w.line(indent, 'volumes:');
    w.line(indent + 2, '- name: config');
    w.line(indent + 4, 'configMap:');
    w.line(indent + 6, `name: ${app}-config`);
  }
  if (g.chance(0.2)) {
    w.line(indent, 'nodeSelector:');
    w.line(indent + 2, 'kubernetes.io/os: linux');
  }
  if (g.chance(0.15)) {
    w.line(indent, 'tolerations:');
    w.line(indent + 2, '- key: dedicated');
    w.line(indent + 4, 'operator: Equal');
    w.line(indent + 4, `value: ${g.pick(TEAMS)}`);
    w.line(indent + 4, 'effect: NoSchedule');
  }
}

/** A pod template (`template:` contents) at the given indent. */
function template(w: Writer, g: Gen, indent: number, app: string, name: string, restartPolicy?: string): void {
  w.line(indent, 'metadata:');
  labels(w, g, indent + 2, app, name);
  w.line(indent, 'spec:');
  podSpec(w, g, indent + 2, app, restartPolicy);
}

function selector(w: Writer, indent: number, app: string): void {
  w.line(indent, 'selector:');
  w.line(indent + 2, 'matchLabels:');
  w.line(indent + 4, `app: ${app}`);
}

type Kind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod' | 'ReplicaSet' | 'Service' | 'ConfigMap' | 'Secret';
const KINDS: readonly [Kind, number][] = [
  ['Deployment', 30],
  ['StatefulSet', 8],
  ['DaemonSet', 6],
  ['Job', 6],
  ['CronJob', 6],
  ['Pod', 8],
  ['ReplicaSet', 4],
  ['Service', 20],
  ['ConfigMap', 12],
  ['Secret', 2],
];
const KIND_WEIGHT = KINDS.reduce((sum, [, weight]) => sum + weight, 0);

function pickKind(g: Gen): Kind {
  let r = g.int(0, KIND_WEIGHT - 1);
  for (const [kind, weight] of KINDS) {
    if (r < weight) return kind;
    r -= weight;
  }
  return 'Deployment';
}

function apiVersion(kind: Kind): string {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return 'apps/v1';
    case 'Job':
    case 'CronJob':
      return 'batch/v1';
    default:
      return 'v1';
  }
}

/** A document that uses an anchor and aliases (declined by a line scanner, so it takes the full parser). */
function anchoredDeployment(w: Writer, g: Gen, index: number): void {
  const app = g.pick(APPS);
  const name = `${app}-${index}`;
  const image = imageValue(g, app);
  w.line(0, 'apiVersion: apps/v1');
  w.line(0, 'kind: Deployment');
  w.line(0, 'metadata:');
  w.line(2, `name: ${name}`);
  w.line(2, 'labels: &labels');
  w.line(4, `app: ${app}`);
  w.line(4, `app.kubernetes.io/name: ${name}`);
  w.line(0, 'spec:');
  w.line(2, `replicas: ${g.int(1, 5)}`);
  w.line(2, 'selector:');
  w.line(4, 'matchLabels: *labels');
  w.line(2, 'template:');
  w.line(4, 'metadata:');
  w.line(6, 'labels: *labels');
  w.line(4, 'spec:');
  w.line(6, 'containers:');
  w.line(8, `- name: ${app}`);
  w.line(10, `image: ${image}`);
  w.line(10, 'resources: &resources');
  w.line(12, 'requests: { cpu: 100m, memory: 128Mi }');
  w.line(12, 'limits: { cpu: 500m, memory: 512Mi }');
  w.line(8, `- name: ${app}-proxy`);
  w.line(10, `image: envoyproxy/envoy:v1.${g.int(20, 30)}.${g.int(0, 5)}`);
  w.line(10, 'resources: *resources');
  w.line(10, `args: ["--config-path", "/etc/envoy/envoy.yaml"]`);
}

/** One hand-written document (without its `---` line). */
export function document(w: Writer, g: Gen, index: number): void {
  if (g.chance(0.1))
    w.line(0, `# ${g.pick(['Generated by helm template', 'Managed by platform team', 'Do not edit by hand', 'Source: charts/app/templates/workload.yaml'])}`);
  if (g.chance(0.02)) return anchoredDeployment(w, g, index);
  const kind = pickKind(g);
  const app = g.pick(APPS);
  const name = kind === 'Secret' ? g.pick(['regcred', 'ecr-pull', `${app}-pull`]) : `${app}-${index}`;
  w.line(0, `apiVersion: ${apiVersion(kind)}`);
  w.line(0, `kind: ${kind}`);
  metadata(w, g, name, app, kind !== 'ConfigMap' || g.chance(0.5));
  switch (kind) {
    case 'Service':
      w.line(0, 'spec:');
      w.line(2, `type: ${g.pick(['ClusterIP', 'ClusterIP', 'NodePort', 'LoadBalancer'])}`);
      w.line(2, 'selector:');
      w.line(4, `app: ${app}`);
      w.line(2, 'ports:');
      for (let p = g.int(1, 3); p > 0; p--) {
        w.line(4, `- name: ${g.pick(['http', 'https', 'metrics', 'grpc'])}`);
        w.line(6, `port: ${g.pick([80, 443, 9090, 8080])}`);
        w.line(6, `targetPort: ${g.pick([8080, 8443, 9090, 3000])}`);
        w.line(6, 'protocol: TCP');
      }
      return;
    case 'ConfigMap':
      w.line(0, 'data:');
      w.line(2, `LOG_LEVEL: ${g.pick(['info', 'debug'])}`);
      w.line(2, `config.yaml: |`);
      for (let l = g.int(4, 14); l > 0; l--) w.line(4, `${g.pick(['server', 'cache', 'timeout', 'retries', 'endpoint'])}_${l}: ${g.int(1, 1000)}`);
      w.line(2, `feature-flags: '${g.pick(['a,b', 'beta', 'none'])}'`);
      return;
    case 'Secret':
      w.line(0, 'type: kubernetes.io/dockerconfigjson');
      w.line(0, 'data:');
      w.line(2, `.dockerconfigjson: ${g.hex(48)}==`);
      return;
    case 'Pod':
      w.line(0, 'spec:');
      podSpec(w, g, 2, app, g.pick(['Always', 'OnFailure', 'Never']));
      return;
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'DaemonSet':
      w.line(0, 'spec:');
      if (kind !== 'DaemonSet') w.line(2, `replicas: ${g.int(1, 10)}`);
      if (kind === 'StatefulSet') w.line(2, `serviceName: ${app}`);
      if (kind === 'Deployment' && g.chance(0.4)) {
        w.line(2, 'strategy:');
        w.line(4, 'type: RollingUpdate');
        w.line(4, 'rollingUpdate: {maxSurge: 1, maxUnavailable: 0}');
      }
      selector(w, 2, app);
      w.line(2, 'template:');
      template(w, g, 4, app, name);
      return;
    case 'Job':
      w.line(0, 'spec:');
      w.line(2, `backoffLimit: ${g.int(0, 6)}`);
      w.line(2, 'template:');
      template(w, g, 4, app, name, 'OnFailure');
      return;
    case 'CronJob':
      w.line(0, 'spec:');
      w.line(2, `schedule: "${g.int(0, 59)} ${g.int(0, 23)} * * *"`);
      w.line(2, 'concurrencyPolicy: Forbid');
      w.line(2, 'jobTemplate:');
      w.line(4, 'spec:');
      w.line(6, 'template:');
      template(w, g, 8, app, name, 'OnFailure');
      return;
  }
}

/** A multi-document manifest of at least targetBytes characters (the last document may overshoot). */
export function generateManifest(targetBytes: number, seed: number): string {
  const g = new Gen(prng(seed));
  const parts: string[] = [];
  let size = 0;
  for (let index = 0; size < targetBytes; index++) {
    const w = new Writer();
    if (index > 0) w.line(0, '---');
    document(w, g, index);
    const text = w.lines.join('\n') + '\n';
    parts.push(text);
    size += text.length;
  }
  return parts.join('');
}

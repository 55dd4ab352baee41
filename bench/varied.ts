/**
 * Deterministic generator of varied manifests: the shapes real projects' YAML has, not only the ones
 * the fast line scanner was written for. generate.ts (kept for continuity) writes one hand-written
 * style; this mixes ten families of documents, each imitating what a kind of project emits, with
 * its own content (no file of those projects is copied):
 *
 * | family        | imitates                                                                                  |
 * |---------------|-------------------------------------------------------------------------------------------|
 * | handwritten   | generate.ts's documents: comments, flow sequences, block scalars, a few anchors           |
 * | kustomized    | kustomize/kubectl output: argo-cd manifests/install.yaml, ingress-nginx deploy/static —   |
 * |               | sorted keys, unindented sequences, long `valueFrom` env lists, RBAC, NetworkPolicy        |
 * | helm          | `helm template` output: istio samples/addons — `# Source:` comments, chart labels,        |
 * |               | `annotations:` with `{}` on the next line, checksum annotations, config in block scalars  |
 * | microservices | GoogleCloudPlatform/microservices-demo release/kubernetes-manifests.yaml: security        |
 * |               | contexts, probes with headers, quoted env values, license header comments                 |
 * | flow          | compact hand-written files: flow maps and sequences, some spanning lines                  |
 * | multiline     | `kubectl get -o yaml`: managedFields keys, status messages wrapped as multi-line plain    |
 * |               | and single-quoted scalars, `>` descriptions, `- |` scripts                                |
 * | escaped       | istio samples/addons/grafana.yaml: JSON in double-quoted strings with escapes; env values |
 * |               | with `\n`, `\"` and `\u` escapes                                                          |
 * | anchored      | hand-written DRY files: anchors on labels and resources, aliases, `<<` merge keys         |
 * | json          | JSON manifests (`kubectl get -o json`; kubectl applies JSON), 4-space indented            |
 * | crd           | controller-gen CRDs (argo-cd, istio crd-all.gen.yaml, prometheus-operator): deep          |
 * |               | openAPIV3Schema, descriptions as `|-` blocks, wrapped plain or single-quoted scalars       |
 *
 * Proportions come from eight public repositories (argo-cd, argo-rollouts, istio, ingress-nginx,
 * kustomize, prometheus-operator, tekton pipeline, microservices-demo; 8,700 Kubernetes documents,
 * measured 2026-12-07): 87 % of their YAML files are under 2 KB and hold 8 % of the bytes, files over
 * 200 KB (CRD and install bundles) hold 78 %; CRDs are 2 % of the documents and 88 % of the bytes;
 * comments are in 15–40 % of documents, flow maps in 40 % of workloads, block scalars in a third of
 * ConfigMaps, escapes in 1–13 %, anchors in almost none (hand-written repositories have more).
 * Here a CRD is 10–60 KB, so a 1 MB stream holds about ten of them and a third to a half of its bytes are CRDs.
 *
 * The same arguments always give the same text: all randomness comes from generate.ts's seeded prng.
 */
import { APPS, document as handwrittenDocument, ENVS, Gen, imageValue, NAMESPACES, prng, REGISTRIES, TEAMS, Writer } from './generate';

export const FAMILIES = ['handwritten', 'kustomized', 'helm', 'microservices', 'flow', 'multiline', 'escaped', 'anchored', 'json', 'crd'] as const;
export type Family = (typeof FAMILIES)[number];

/** Documents per thousand in a varied stream. */
const WEIGHTS: Readonly<Record<Family, number>> = {
  handwritten: 300,
  kustomized: 220,
  helm: 150,
  microservices: 80,
  flow: 60,
  multiline: 60,
  escaped: 50,
  anchored: 30,
  json: 30,
  crd: 20,
};

/** A generated document and the family it was written as; start and end are offsets in the stream. */
export interface GeneratedDocument {
  readonly family: Family;
  readonly start: number;
  readonly end: number;
}

export interface VariedStream {
  readonly text: string;
  readonly documents: readonly GeneratedDocument[];
}

export interface StreamOptions {
  /** CRLF line endings, as files written on Windows have. */
  readonly crlf?: boolean;
  /** The families to draw from (default all), in their usual proportions. */
  readonly families?: readonly Family[];
}

function pickFamily(g: Gen, families: readonly Family[]): Family {
  const total = families.reduce((sum, f) => sum + WEIGHTS[f], 0);
  let r = g.int(0, total - 1);
  for (const family of families) {
    if (r < WEIGHTS[family]) return family;
    r -= WEIGHTS[family];
  }
  return families[0];
}

const WORDS = (
  'the of a to is and in for that be this are on with as by it or from at which an not will if when its must set ' +
  'field value object resource pod container name namespace label selector policy rule request limit specifies ' +
  'default controller service port reference configuration defines represents optional required number time ' +
  'seconds list map key status condition cluster node volume secret certificate endpoint traffic route target'
).split(' ');

/** A sentence of plain words (no `: `, `#` or quotes), for descriptions and messages. */
function sentence(g: Gen, min: number, max: number): string {
  const words: string[] = [];
  for (let n = g.int(min, max); n > 0; n--) words.push(g.pick(WORDS));
  const text = words.join(' ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}

/** Splits text into lines of at most width characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

type DescriptionStyle = 'block' | 'plain' | 'quoted';

/**
 * `key: text` as YAML emitters write long strings: a `|-` block (controller-gen since 0.14), a plain
 * scalar wrapped onto more-indented lines (older controller-gen, kubectl), or a single-quoted one
 * when the text holds `: ` (a plain scalar cannot), also wrapped.
 */
function longString(w: Writer, indent: number, key: string, text: string, style: DescriptionStyle, width = 80): void {
  const lines = wrap(text, Math.max(30, width - indent));
  if (style === 'block') {
    w.line(indent, `${key}: |-`);
    for (const line of lines) w.line(indent + 2, line);
    return;
  }
  const [first, ...rest] = lines;
  if (style === 'quoted') {
    const q = (s: string): string => s.replaceAll("'", "''");
    if (rest.length === 0) return w.line(indent, `${key}: '${q(first)}'`);
    w.line(indent, `${key}: '${q(first)}`);
    rest.forEach((line, i) => w.line(indent + 2, i === rest.length - 1 ? `${q(line)}'` : q(line)));
    return;
  }
  w.line(indent, `${key}: ${first}`);
  for (const line of rest) w.line(indent + 2, line);
}

function dnsName(g: Gen): string {
  return `${g.pick(APPS)}-${g.pick(['controller', 'server', 'agent', 'webhook', 'operator', 'proxy'])}`;
}

function semver(g: Gen): string {
  return `${g.int(0, 3)}.${g.int(0, 30)}.${g.int(0, 9)}`;
}

/** kustomize/kubectl output (argo-cd install.yaml, ingress-nginx deploy.yaml): keys sorted, sequences not indented. */
function kustomized(w: Writer, g: Gen, index: number): void {
  const part = g.pick(APPS);
  const component = dnsName(g);
  const name = `${part}-${component}-${index}`;
  const version = semver(g);
  const labels = (indent: number, full: boolean): void => {
    w.line(indent, 'labels:');
    w.line(indent + 2, `app.kubernetes.io/component: ${component}`);
    if (full) w.line(indent + 2, `app.kubernetes.io/instance: ${part}`);
    w.line(indent + 2, `app.kubernetes.io/name: ${name}`);
    if (full) w.line(indent + 2, `app.kubernetes.io/part-of: ${part}`);
    if (full && g.chance(0.6)) w.line(indent + 2, `app.kubernetes.io/version: ${version}`);
  };
  const meta = (namespaced: boolean): void => {
    w.line(0, 'metadata:');
    labels(2, true);
    w.line(2, `name: ${name}`);
    if (namespaced) w.line(2, `namespace: ${part}`);
  };
  const kind = g.pick([
    'Deployment',
    'Deployment',
    'Deployment',
    'StatefulSet',
    'ServiceAccount',
    'ClusterRole',
    'RoleBinding',
    'Service',
    'NetworkPolicy',
    'ConfigMap',
  ]);
  switch (kind) {
    case 'ServiceAccount':
      w.line(0, 'apiVersion: v1');
      if (g.chance(0.5)) w.line(0, 'automountServiceAccountToken: true');
      w.line(0, 'kind: ServiceAccount');
      meta(true);
      return;
    case 'ClusterRole':
      w.line(0, 'apiVersion: rbac.authorization.k8s.io/v1');
      w.line(0, 'kind: ClusterRole');
      meta(false);
      w.line(0, 'rules:');
      for (let r = g.int(2, 8); r > 0; r--) {
        w.line(0, '- apiGroups:');
        w.line(2, `- ${g.pick(['""', "''", 'apps', 'batch', 'networking.k8s.io', `${part}.io`, "'*'"])}`);
        w.line(2, 'resources:');
        for (let n = g.int(1, 4); n > 0; n--)
          w.line(2, `- ${g.pick(['pods', 'services', 'endpoints', 'secrets', 'configmaps', 'deployments', 'ingresses', 'leases', 'events'])}`);
        w.line(2, 'verbs:');
        for (const verb of g.chance(0.3) ? ["'*'"] : ['get', 'list', 'watch'].slice(0, g.int(1, 3))) w.line(2, `- ${verb}`);
      }
      return;
    case 'RoleBinding':
      w.line(0, 'apiVersion: rbac.authorization.k8s.io/v1');
      w.line(0, 'kind: RoleBinding');
      meta(true);
      w.line(0, 'roleRef:');
      w.line(2, 'apiGroup: rbac.authorization.k8s.io');
      w.line(2, 'kind: Role');
      w.line(2, `name: ${name}`);
      w.line(0, 'subjects:');
      w.line(0, '- kind: ServiceAccount');
      w.line(2, `name: ${name}`);
      w.line(2, `namespace: ${part}`);
      return;
    case 'Service':
      w.line(0, 'apiVersion: v1');
      w.line(0, 'kind: Service');
      meta(true);
      w.line(0, 'spec:');
      if (g.chance(0.3)) w.line(2, 'ipFamilyPolicy: SingleStack');
      w.line(2, 'ports:');
      for (const port of ['http', 'https', 'metrics'].slice(0, g.int(1, 3))) {
        w.line(2, `- appProtocol: ${port === 'metrics' ? 'http' : port}`);
        w.line(4, `name: ${port}`);
        w.line(4, `port: ${port === 'https' ? 443 : port === 'http' ? 80 : 8083}`);
        w.line(4, 'protocol: TCP');
        w.line(4, `targetPort: ${port}`);
      }
      w.line(2, 'selector:');
      w.line(4, `app.kubernetes.io/name: ${name}`);
      w.line(2, `type: ${g.pick(['ClusterIP', 'LoadBalancer'])}`);
      return;
    case 'NetworkPolicy':
      w.line(0, 'apiVersion: networking.k8s.io/v1');
      w.line(0, 'kind: NetworkPolicy');
      meta(true);
      w.line(0, 'spec:');
      w.line(2, 'ingress:');
      w.line(2, '- ports:');
      w.line(4, `- port: ${g.int(1000, 9999)}`);
      w.line(2, 'podSelector:');
      w.line(4, 'matchLabels:');
      w.line(6, `app.kubernetes.io/name: ${name}`);
      w.line(2, 'policyTypes:');
      w.line(2, '- Ingress');
      return;
    case 'ConfigMap':
      w.line(0, 'apiVersion: v1');
      w.line(0, 'data:');
      for (let n = g.int(2, 8); n > 0; n--)
        w.line(2, `${g.pick(['server', 'controller', 'reposerver', 'timeout'])}.${g.pick(WORDS)}.${n}: "${g.pick(['true', 'false', '30', '0'])}"`);
      w.line(0, 'kind: ConfigMap');
      meta(true);
      return;
  }
  // Deployment or StatefulSet
  w.line(0, 'apiVersion: apps/v1');
  w.line(0, `kind: ${kind}`);
  meta(true);
  w.line(0, 'spec:');
  if (g.chance(0.5)) w.line(2, `minReadySeconds: 0`);
  if (g.chance(0.5)) w.line(2, `revisionHistoryLimit: ${g.int(3, 10)}`);
  w.line(2, 'selector:');
  w.line(4, 'matchLabels:');
  w.line(6, `app.kubernetes.io/name: ${name}`);
  if (kind === 'StatefulSet') w.line(2, `serviceName: ${name}`);
  w.line(2, 'template:');
  w.line(4, 'metadata:');
  labels(6, g.chance(0.5));
  w.line(4, 'spec:');
  if (g.chance(0.4)) {
    w.line(6, 'affinity:');
    w.line(8, 'podAntiAffinity:');
    w.line(10, 'preferredDuringSchedulingIgnoredDuringExecution:');
    w.line(10, '- podAffinityTerm:');
    w.line(14, 'labelSelector:');
    w.line(16, 'matchLabels:');
    w.line(18, `app.kubernetes.io/name: ${name}`);
    w.line(14, 'topologyKey: kubernetes.io/hostname');
    w.line(12, 'weight: 100');
  }
  w.line(6, 'containers:');
  w.line(6, '- args:');
  w.line(8, `- /usr/local/bin/${component}`);
  for (let n = g.int(0, 6); n > 0; n--)
    w.line(8, `- --${g.pick(WORDS)}-${g.pick(WORDS)}=${g.pick(['$(POD_NAMESPACE)/' + name, String(g.int(1, 9000)), 'true', ':8443'])}`);
  w.line(8, 'env:');
  for (let n = g.int(2, 14); n > 0; n--) {
    const variable = `${part}_${component}_${g.pick(WORDS)}_${n}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    w.line(8, `- name: ${variable}`);
    if (g.chance(0.2)) {
      w.line(10, 'valueFrom:');
      w.line(12, 'fieldRef:');
      w.line(14, `fieldPath: metadata.${g.pick(['name', 'namespace'])}`);
    } else if (g.chance(0.8)) {
      w.line(10, 'valueFrom:');
      w.line(12, 'configMapKeyRef:');
      w.line(14, `key: ${component}.${g.pick(WORDS)}.${g.pick(WORDS)}`);
      w.line(14, `name: ${part}-cmd-params-cm`);
      w.line(14, 'optional: true');
    } else w.line(10, `value: ${g.pick(['/usr/local/lib/libmimalloc.so', '"true"', '"8080"', 'info'])}`);
  }
  w.line(8, `image: ${g.pick(REGISTRIES)}/${part}/${component}:v${semver(g)}${g.chance(0.5) ? `@sha256:${g.hex(64)}` : ''}`);
  w.line(8, `imagePullPolicy: ${g.pick(['Always', 'IfNotPresent'])}`);
  w.line(8, 'livenessProbe:');
  w.line(10, 'httpGet:');
  w.line(12, 'path: /healthz');
  w.line(12, `port: ${g.int(8000, 10254)}`);
  w.line(10, `initialDelaySeconds: ${g.int(3, 30)}`);
  w.line(10, `periodSeconds: ${g.pick([10, 30])}`);
  w.line(8, `name: ${component}`);
  w.line(8, 'ports:');
  w.line(8, `- containerPort: ${g.int(1000, 9999)}`);
  w.line(10, 'protocol: TCP');
  w.line(8, 'securityContext:');
  w.line(10, 'allowPrivilegeEscalation: false');
  w.line(10, 'capabilities:');
  w.line(12, 'drop:');
  w.line(12, '- ALL');
  w.line(10, 'readOnlyRootFilesystem: true');
  w.line(10, 'runAsNonRoot: true');
  w.line(10, 'seccompProfile:');
  w.line(12, 'type: RuntimeDefault');
  w.line(8, 'volumeMounts:');
  w.line(8, '- mountPath: /tmp');
  w.line(10, 'name: tmp');
  w.line(6, `serviceAccountName: ${name}`);
  w.line(6, 'volumes:');
  w.line(6, '- emptyDir: {}');
  w.line(8, 'name: tmp');
}

const CHARTS = ['prometheus', 'grafana', 'loki', 'jaeger', 'kiali', 'redis', 'postgresql', 'cert-manager'];

/** `helm template` output (istio samples/addons): a `# Source:` line first, chart labels, checksums, configs in block scalars. */
function helm(w: Writer, g: Gen, index: number): void {
  const chart = g.pick(CHARTS);
  const chartVersion = semver(g);
  const appVersion = `v${semver(g)}`;
  const kind = g.pick(['Deployment', 'Deployment', 'ConfigMap', 'Service', 'ServiceAccount', 'StatefulSet']);
  const name = `${chart}-${index}`;
  w.line(0, `# Source: ${chart}/templates/${kind.toLowerCase()}.yaml`);
  w.line(0, `apiVersion: ${kind === 'Deployment' || kind === 'StatefulSet' ? 'apps/v1' : 'v1'}`);
  w.line(0, `kind: ${kind}`);
  w.line(0, 'metadata:');
  w.line(2, `name: ${name}`);
  w.line(2, `namespace: ${g.pick(NAMESPACES)}`);
  const labels = (indent: number): void => {
    w.line(indent, 'labels:');
    w.line(indent + 2, `helm.sh/chart: ${chart}-${chartVersion}`);
    w.line(indent + 2, `app.kubernetes.io/name: ${chart}`);
    w.line(indent + 2, `app.kubernetes.io/instance: ${chart}`);
    w.line(indent + 2, `app.kubernetes.io/version: "${appVersion}"`);
    w.line(indent + 2, 'app.kubernetes.io/managed-by: Helm');
  };
  labels(2);
  if (g.chance(0.4)) {
    w.line(2, 'annotations:');
    w.line(4, '{}');
  }
  if (kind === 'ServiceAccount') return;
  if (kind === 'ConfigMap') {
    w.line(0, 'data:');
    if (g.chance(0.3)) w.line(2, '');
    w.line(2, `${chart}.${g.pick(['yml', 'ini', 'conf'])}: |`);
    const first = g.int(8, 40);
    for (let n = first; n > 0; n--) {
      const depth = n === first ? 0 : g.int(0, 3) * 2; // The first line sets the block's indentation.
      w.line(
        4 + depth,
        g.chance(0.3)
          ? `- ${g.pick(WORDS)}_${g.pick(WORDS)}: ${g.pick(WORDS)}`
          : `${g.pick(WORDS)}_${n}: ${g.pick(['true', '15s', '/var/lib/data', '(.+)', String(g.int(1, 999))])}`,
      );
    }
    w.line(2, `allow-snippet-annotations: "${g.chance(0.5)}"`);
    return;
  }
  w.line(0, 'spec:');
  if (kind === 'Service') {
    w.line(2, 'type: ClusterIP');
    w.line(2, 'ports:');
    w.line(4, `- name: ${g.pick(['http', 'service', 'grpc'])}`);
    w.line(6, `port: ${g.int(80, 9999)}`);
    w.line(6, 'protocol: TCP');
    w.line(6, `targetPort: ${g.int(80, 9999)}`);
    w.line(2, 'selector:');
    w.line(4, `app.kubernetes.io/name: ${chart}`);
    w.line(4, `app.kubernetes.io/instance: ${chart}`);
    return;
  }
  w.line(2, 'replicas: 1');
  w.line(2, `revisionHistoryLimit: 10`);
  w.line(2, 'selector:');
  w.line(4, 'matchLabels:');
  w.line(6, `app.kubernetes.io/name: ${chart}`);
  w.line(6, `app.kubernetes.io/instance: ${chart}`);
  w.line(2, 'template:');
  w.line(4, 'metadata:');
  labels(6);
  w.line(6, 'annotations:');
  w.line(8, `checksum/config: ${g.hex(64)}`);
  if (g.chance(0.5)) w.line(8, 'kubectl.kubernetes.io/default-container: ' + chart);
  w.line(4, 'spec:');
  w.line(6, `serviceAccountName: ${chart}`);
  w.line(6, 'automountServiceAccountToken: true');
  w.line(6, 'securityContext:');
  w.line(8, `fsGroup: ${g.int(100, 65534)}`);
  w.line(8, `runAsUser: ${g.int(100, 65534)}`);
  w.line(6, 'enableServiceLinks: true');
  w.line(6, 'containers:');
  w.line(8, `- name: ${chart}`);
  w.line(10, `image: "${g.pick(['docker.io', 'quay.io', 'ghcr.io'])}/${chart}/${chart}:${appVersion}"`);
  w.line(10, 'imagePullPolicy: IfNotPresent');
  w.line(10, 'args:');
  for (let n = g.int(1, 6); n > 0; n--) w.line(12, `- --${g.pick(WORDS)}.${g.pick(WORDS)}=${g.pick(['/etc/config', '15d', '$(POD_IP):9090', 'true'])}`);
  w.line(10, 'ports:');
  w.line(12, `- name: ${g.pick(['http', 'grafana', 'web'])}`);
  w.line(14, `containerPort: ${g.int(1000, 9999)}`);
  w.line(14, 'protocol: TCP');
  w.line(10, 'env:');
  w.line(12, '- name: POD_IP');
  w.line(14, 'valueFrom:');
  w.line(16, 'fieldRef:');
  w.line(18, 'fieldPath: status.podIP');
  w.line(12, `- name: ${chart.toUpperCase().replace('-', '_')}_PATHS_DATA`);
  w.line(14, `value: /var/lib/${chart}/`);
  w.line(10, 'resources:');
  w.line(12, '{}');
  w.line(10, 'volumeMounts:');
  w.line(12, '- name: config');
  w.line(14, `mountPath: "/etc/${chart}"`);
  w.line(6, 'volumes:');
  w.line(8, '- name: config');
  w.line(10, 'configMap:');
  w.line(12, `name: ${chart}`);
}

/** microservices-demo's release manifests: security contexts, probes with headers, quoted env values. */
function microservices(w: Writer, g: Gen, index: number): void {
  const app = `${g.pick(APPS)}service`;
  const port = g.int(3000, 9999);
  if (g.chance(0.1)) {
    w.line(0, '# Copyright 2025 Example LLC');
    w.line(0, '#');
    w.line(0, '# Licensed under the Apache License, Version 2.0 (the "License");');
    w.line(0, '# you may not use this file except in compliance with the License.');
    w.line(0, '');
  }
  if (g.chance(0.35)) {
    w.line(0, 'apiVersion: v1');
    w.line(0, 'kind: Service');
    w.line(0, 'metadata:');
    w.line(2, `name: ${app}-${index}`);
    w.line(2, 'labels:');
    w.line(4, `app: ${app}`);
    w.line(0, 'spec:');
    w.line(2, 'type: ClusterIP');
    w.line(2, 'selector:');
    w.line(4, `app: ${app}`);
    w.line(2, 'ports:');
    w.line(2, '- name: grpc');
    w.line(4, `port: ${port}`);
    w.line(4, `targetPort: ${port}`);
    return;
  }
  w.line(0, 'apiVersion: apps/v1');
  w.line(0, 'kind: Deployment');
  w.line(0, 'metadata:');
  w.line(2, `name: ${app}-${index}`);
  w.line(2, 'labels:');
  w.line(4, `app: ${app}`);
  w.line(0, 'spec:');
  w.line(2, 'selector:');
  w.line(4, 'matchLabels:');
  w.line(6, `app: ${app}`);
  w.line(2, 'template:');
  w.line(4, 'metadata:');
  w.line(6, 'labels:');
  w.line(8, `app: ${app}`);
  if (g.chance(0.5)) {
    w.line(6, 'annotations:');
    w.line(8, 'sidecar.istio.io/rewriteAppHTTPProbers: "true"');
  }
  w.line(4, 'spec:');
  w.line(6, `serviceAccountName: ${app}`);
  w.line(6, `terminationGracePeriodSeconds: ${g.pick([5, 30])}`);
  w.line(6, 'securityContext:');
  w.line(8, 'fsGroup: 1000');
  w.line(8, 'runAsGroup: 1000');
  w.line(8, 'runAsNonRoot: true');
  w.line(8, 'runAsUser: 1000');
  w.line(6, 'containers:');
  w.line(8, '- name: server');
  w.line(10, 'securityContext:');
  w.line(12, 'allowPrivilegeEscalation: false');
  w.line(12, 'capabilities:');
  w.line(14, 'drop:');
  w.line(16, '- ALL');
  w.line(12, 'privileged: false');
  w.line(12, 'readOnlyRootFilesystem: true');
  w.line(10, `image: ${g.pick(['us-central1-docker.pkg.dev/online-shop-ci/demo', 'gcr.io/acme-demo', 'ghcr.io/acme/shop'])}/${app}:v${semver(g)}`);
  w.line(10, 'ports:');
  w.line(10, `- containerPort: ${port}`);
  for (const probe of ['readinessProbe', 'livenessProbe']) {
    w.line(10, `${probe}:`);
    w.line(12, `initialDelaySeconds: ${g.int(5, 20)}`);
    if (g.chance(0.5)) {
      w.line(12, 'httpGet:');
      w.line(14, 'path: "/_healthz"');
      w.line(14, `port: ${port}`);
      w.line(14, 'httpHeaders:');
      w.line(14, '- name: "Cookie"');
      w.line(16, `value: "shop_session-id=x-${probe === 'readinessProbe' ? 'readiness' : 'liveness'}-probe"`);
    } else {
      w.line(12, 'grpc:');
      w.line(14, `port: ${port}`);
    }
  }
  w.line(10, 'env:');
  w.line(10, '- name: PORT');
  w.line(12, `value: "${port}"`);
  for (let n = g.int(1, 6); n > 0; n--) {
    const other = g.pick(APPS);
    w.line(10, `- name: ${other.toUpperCase()}_SERVICE_ADDR`);
    w.line(12, `value: "${other}service:${g.int(3000, 9999)}"`);
  }
  if (g.chance(0.3)) w.line(10, '# - name: DISABLE_PROFILER');
  w.line(10, 'resources:');
  w.line(12, 'requests:');
  w.line(14, `cpu: ${g.pick(['100m', '200m'])}`);
  w.line(14, `memory: ${g.pick(['64Mi', '128Mi'])}`);
  w.line(12, 'limits:');
  w.line(14, `cpu: ${g.pick(['200m', '300m'])}`);
  w.line(14, `memory: ${g.pick(['128Mi', '256Mi'])}`);
}

/** Compact hand-written manifests: flow maps and sequences, now and then spanning lines. */
function flow(w: Writer, g: Gen, index: number): void {
  const app = g.pick(APPS);
  w.line(0, 'apiVersion: apps/v1');
  w.line(0, `kind: ${g.pick(['Deployment', 'StatefulSet', 'DaemonSet'])}`);
  w.line(0, `metadata: {name: ${app}-${index}, namespace: ${g.pick(NAMESPACES)}, labels: {app: ${app}, tier: ${g.pick(['web', 'backend', 'cache'])}}}`);
  w.line(0, 'spec:');
  w.line(2, `selector: {matchLabels: {app: ${app}}}`);
  w.line(2, 'template:');
  w.line(4, `metadata: {labels: {app: ${app}}, annotations: {}}`);
  w.line(4, 'spec:');
  w.line(6, 'containers:');
  w.line(6, `- name: ${app}`);
  w.line(8, `image: ${imageValue(g, app)}`);
  w.line(8, `ports: [{containerPort: ${g.int(1000, 9999)}, name: http}, {containerPort: ${g.int(1000, 9999)}, name: metrics}]`);
  w.line(8, `env: [{name: LOG_LEVEL, value: ${g.pick(['info', 'debug'])}}, {name: PORT, value: "${g.int(1000, 9999)}"}]`);
  w.line(8, `resources: {requests: {cpu: ${g.pick(['50m', '100m'])}, memory: ${g.pick(['64Mi', '128Mi'])}}, limits: {memory: ${g.pick(['256Mi', '1Gi'])}}}`);
  if (g.chance(0.3)) {
    w.line(8, 'securityContext: {');
    w.line(10, 'runAsNonRoot: true,');
    w.line(10, `runAsUser: ${g.int(1000, 9999)},`);
    w.line(10, 'readOnlyRootFilesystem: true');
    w.line(10, '}');
  }
  w.line(8, `command: ["/app/${app}", "--config", "/etc/${app}/config.yaml"]`);
  if (g.chance(0.5)) w.line(8, `volumeMounts: [{name: config, mountPath: /etc/${app}, readOnly: true}]`);
  w.line(6, `volumes: [{name: config, configMap: {name: ${app}-config}}]`);
  if (g.chance(0.3)) w.line(6, `tolerations: [{key: dedicated, operator: Equal, value: ${g.pick(TEAMS)}, effect: NoSchedule}]`);
}

/** `kubectl get -o yaml` output: managedFields, wrapped status messages, `>` descriptions, `- |` scripts. */
function multiline(w: Writer, g: Gen, index: number): void {
  const app = g.pick(APPS);
  w.line(0, 'apiVersion: apps/v1');
  w.line(0, 'kind: Deployment');
  w.line(0, 'metadata:');
  w.line(2, 'annotations:');
  w.line(4, `deployment.kubernetes.io/revision: "${g.int(1, 40)}"`);
  if (g.chance(0.6)) longString(w, 4, 'description', sentence(g, 14, 40), g.chance(0.7) ? 'plain' : 'quoted');
  if (g.chance(0.4)) {
    w.line(4, 'kubectl.kubernetes.io/last-applied-configuration: |');
    w.line(6, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"${app}-${index}","namespace":"default"},"spec":{"replicas":${g.int(1, 5)}}}`);
  }
  w.line(2, `creationTimestamp: "202${g.int(3, 6)}-0${g.int(1, 9)}-1${g.int(0, 9)}T0${g.int(0, 9)}:${g.int(10, 59)}:${g.int(10, 59)}Z"`);
  w.line(2, `generation: ${g.int(1, 20)}`);
  if (g.chance(0.5)) {
    w.line(2, 'managedFields:');
    w.line(2, '- apiVersion: apps/v1');
    w.line(4, 'fieldsType: FieldsV1');
    w.line(4, 'fieldsV1:');
    w.line(6, 'f:spec:');
    w.line(8, 'f:template:');
    w.line(10, 'f:spec:');
    w.line(12, 'f:containers:');
    w.line(14, `k:{"name":"${app}"}:`);
    w.line(16, '.: {}');
    w.line(16, 'f:image: {}');
    w.line(16, 'f:ports:');
    w.line(18, `k:{"containerPort":${g.int(80, 9999)},"protocol":"TCP"}:`);
    w.line(20, '.: {}');
    w.line(20, 'f:containerPort: {}');
    w.line(4, 'manager: kubectl-client-side-apply');
    w.line(4, 'operation: Update');
  }
  w.line(2, `name: ${app}-${index}`);
  w.line(2, 'namespace: default');
  w.line(2, `resourceVersion: "${g.int(1000, 999999)}"`);
  w.line(2, `uid: ${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`);
  w.line(0, 'spec:');
  w.line(2, `replicas: ${g.int(1, 5)}`);
  w.line(2, 'selector:');
  w.line(4, 'matchLabels:');
  w.line(6, `app: ${app}`);
  w.line(2, 'template:');
  w.line(4, 'metadata:');
  w.line(6, 'labels:');
  w.line(8, `app: ${app}`);
  w.line(4, 'spec:');
  w.line(6, 'containers:');
  w.line(6, `- image: ${imageValue(g, app)}`);
  w.line(8, `name: ${app}`);
  if (g.chance(0.5)) {
    w.line(8, 'args:');
    w.line(8, '- |');
    for (let n = g.int(2, 6); n > 0; n--)
      w.line(10, `${g.pick(['echo', 'exec', 'test -f', 'mkdir -p'])} /var/run/${app}/${g.pick(WORDS)} && ${g.pick(['sleep 1', 'true', 'exit 0'])}`);
  }
  if (g.chance(0.4)) {
    w.line(8, 'lifecycle:');
    w.line(10, 'preStop:');
    w.line(12, 'exec:');
    w.line(14, 'command:');
    w.line(14, '- /bin/sh');
    w.line(14, '- -c');
    w.line(14, `- sleep ${g.int(5, 30)} && /app/${app} drain --timeout ${g.int(10, 60)}s --grace-period`);
    w.line(16, `${g.int(5, 30)}s --wait`);
  }
  w.line(8, 'terminationMessagePath: /dev/termination-log');
  w.line(8, 'terminationMessagePolicy: File');
  w.line(6, 'dnsPolicy: ClusterFirst');
  w.line(6, 'restartPolicy: Always');
  w.line(0, 'status:');
  w.line(2, 'conditions:');
  for (let n = g.int(1, 3); n > 0; n--) {
    w.line(2, `- lastTransitionTime: "2025-0${g.int(1, 9)}-1${g.int(0, 9)}T1${g.int(0, 9)}:${g.int(10, 59)}:00Z"`);
    const message = `${g.pick(['ReplicaSet', 'Deployment'])} "${app}-${g.hex(10)}" ${sentence(g, 10, 30).toLowerCase()}`;
    longString(w, 4, 'message', g.chance(0.5) ? message : message.replaceAll('"', ''), message.includes('"') && g.chance(0.5) ? 'quoted' : 'plain');
    w.line(4, `reason: ${g.pick(['NewReplicaSetAvailable', 'MinimumReplicasAvailable', 'ProgressDeadlineExceeded'])}`);
    w.line(4, `status: "${g.pick(['True', 'False'])}"`);
    w.line(4, `type: ${g.pick(['Available', 'Progressing'])}`);
  }
  if (g.chance(0.3)) {
    w.line(2, 'note: >');
    for (const line of wrap(sentence(g, 15, 30), 60)) w.line(4, line);
  }
}

/** istio's grafana addon and hand-written env: JSON and text in double-quoted strings with escapes. */
function escaped(w: Writer, g: Gen, index: number): void {
  const app = g.pick(APPS);
  if (g.chance(0.4)) {
    w.line(0, 'apiVersion: v1');
    w.line(0, 'kind: ConfigMap');
    w.line(0, 'metadata:');
    w.line(2, `name: ${app}-dashboards-${index}`);
    w.line(2, 'labels:');
    w.line(4, `${g.pick(['grafana_dashboard', 'app'])}: "1"`);
    w.line(0, 'data:');
    for (let d = g.int(1, 3); d > 0; d--) {
      const panels = Array.from({ length: g.int(2, 12) }, (_, i) => ({
        id: i + 1,
        title: sentence(g, 2, 5),
        type: g.pick(['graph', 'stat', 'table']),
        targets: [{ expr: `sum(rate(${app}_requests_total{code=~"5.."}[5m]))`, legendFormat: '{{pod}}' }],
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: i * 8 },
      }));
      const dashboard = JSON.stringify({ annotations: { list: [] }, editable: false, panels, title: `${app} ${d}`, uid: g.hex(9) });
      w.line(2, `${app}-${d}.json: ${JSON.stringify(dashboard)}`);
    }
    return;
  }
  w.line(0, 'apiVersion: apps/v1');
  w.line(0, 'kind: Deployment');
  w.line(0, 'metadata:');
  w.line(2, `name: ${app}-${index}`);
  w.line(2, 'annotations:');
  w.line(4, `${app}.example.com/config: ${JSON.stringify(JSON.stringify({ level: 'info', format: 'json', sampling: { initial: 100 } }))}`);
  w.line(0, 'spec:');
  w.line(2, 'selector:');
  w.line(4, `matchLabels: {app: ${app}}`);
  w.line(2, 'template:');
  w.line(4, 'metadata:');
  w.line(6, `labels: {app: ${app}}`);
  w.line(4, 'spec:');
  w.line(6, 'containers:');
  w.line(6, `- name: ${app}`);
  w.line(8, `image: ${JSON.stringify(imageValue(g, app))}`);
  w.line(8, 'env:');
  const values = [
    `"{\\"level\\":\\"${g.pick(['info', 'debug'])}\\",\\"format\\":\\"json\\"}"`,
    `"first line\\nsecond line\\n"`,
    `"C:\\\\data\\\\${app}"`,
    `"caf\\u00e9 ${g.pick(WORDS)}\\t${g.int(1, 99)}"`,
    `"${g.pick(WORDS)} ${g.pick(WORDS)}"`,
    `"--flag=\\"${g.pick(WORDS)}\\""`,
  ];
  for (let n = g.int(2, 6); n > 0; n--) {
    w.line(8, `- name: ${g.pick(WORDS).toUpperCase()}_${n}`);
    w.line(10, `value: ${g.pick(values)}`);
  }
}

/** Hand-written files that stay DRY with anchors on labels and resources, aliases and merge keys. */
function anchored(w: Writer, g: Gen, index: number): void {
  const app = g.pick(APPS);
  w.line(0, 'apiVersion: apps/v1');
  w.line(0, 'kind: Deployment');
  w.line(0, 'metadata:');
  w.line(2, `name: ${app}-${index}`);
  w.line(2, 'labels: &labels');
  w.line(4, `app: ${app}`);
  w.line(4, `team: ${g.pick(TEAMS)}`);
  w.line(4, `environment: ${g.pick(ENVS)}`);
  w.line(0, 'spec:');
  w.line(2, `replicas: ${g.int(1, 6)}`);
  w.line(2, 'selector:');
  w.line(4, 'matchLabels: *labels');
  w.line(2, 'template:');
  w.line(4, 'metadata:');
  if (g.chance(0.5)) {
    w.line(6, 'labels:');
    w.line(8, '<<: *labels');
    w.line(8, `version: v${g.int(1, 3)}`);
  } else w.line(6, 'labels: *labels');
  w.line(4, 'spec:');
  w.line(6, 'containers:');
  w.line(8, `- name: ${app}`);
  w.line(10, `image: ${imageValue(g, app)}`);
  w.line(10, 'env: &env');
  w.line(12, '- name: LOG_LEVEL');
  w.line(14, `value: ${g.pick(['info', 'debug'])}`);
  w.line(12, '- name: REGION');
  w.line(14, `value: ${g.pick(['eu-west-1', 'us-east-1'])}`);
  w.line(10, 'resources: &resources');
  w.line(12, `requests: {cpu: ${g.pick(['100m', '250m'])}, memory: ${g.pick(['128Mi', '256Mi'])}}`);
  w.line(8, `- name: ${app}-worker`);
  w.line(10, `image: ${imageValue(g, app)}`);
  w.line(10, 'env: *env');
  w.line(10, 'resources: *resources');
}

/** A manifest in JSON (`kubectl get -o json`), which is YAML too. */
function json(w: Writer, g: Gen, index: number): void {
  const app = g.pick(APPS);
  const labels = { app, 'app.kubernetes.io/part-of': g.pick(TEAMS) };
  const object = g.chance(0.3)
    ? {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `${app}-${index}`, labels },
        spec: { selector: labels, ports: [{ port: 80, targetPort: g.int(1000, 9999) }] },
      }
    : {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `${app}-${index}`, namespace: g.pick(NAMESPACES), labels, annotations: { 'deployment.kubernetes.io/revision': String(g.int(1, 9)) } },
        spec: {
          replicas: g.int(1, 5),
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: app,
                  image: imageValue(g, app),
                  imagePullPolicy: g.pick(['Always', 'IfNotPresent']),
                  args: ['--port', String(g.int(1000, 9999)), `--message=${g.pick(WORDS)} "${g.pick(WORDS)}"`],
                  resources: { limits: { cpu: '500m', memory: '512Mi' } },
                },
              ],
            },
          },
        },
      };
  for (const line of JSON.stringify(object, null, 4).split('\n')) w.line(0, line);
}

const SCHEMA_LEAVES = ['string', 'string', 'string', 'integer', 'boolean', 'array', 'quantity', 'enum'] as const;

/** What is left of a CRD's size: the lines the writer holds past `counted` are not yet subtracted. */
interface Budget {
  left: number;
  counted: number;
}

function spent(w: Writer, budget: Budget): boolean {
  for (; budget.counted < w.lines.length; budget.counted++) budget.left -= w.lines[budget.counted].length + 1;
  return budget.left <= 0;
}

/** `properties:` of an openAPIV3Schema object at indent: count entries, fewer once the budget is spent. */
function schemaProperties(w: Writer, g: Gen, indent: number, depth: number, style: () => DescriptionStyle, budget: Budget, count = g.int(2, 7)): void {
  w.line(indent, 'properties:');
  const keys = new Set<string>();
  for (let n = 0; n < count && !spent(w, budget); n++) {
    // A key never ends in a digit, so appending the entry number makes a repeated one unique.
    let key = `${g.pick(WORDS)}${g.pick(['Name', 'Ref', 'Policy', 'Spec', 'Config', 'Seconds', 'Selector', 'Items'])}`;
    if (keys.has(key)) key += n;
    keys.add(key);
    const i = indent + 2;
    w.line(i, `${key}:`);
    const text = g.chance(0.2) ? `${sentence(g, 4, 12)} More info: https://kubernetes.io/docs/${g.pick(WORDS)}` : sentence(g, 6, 40);
    const chosen = style();
    longString(w, i + 2, 'description', text, chosen === 'plain' && text.includes(': ') ? 'quoted' : chosen);
    if (depth > 0 && g.chance(0.45)) {
      schemaProperties(w, g, i + 2, depth - 1, style, budget);
      if (g.chance(0.3)) {
        w.line(i + 2, 'required:');
        w.line(i + 2, `- ${g.pick(WORDS)}`);
      }
      w.line(i + 2, 'type: object');
      if (g.chance(0.2)) w.line(i + 2, 'x-kubernetes-map-type: atomic');
    } else {
      const leaf = g.pick(SCHEMA_LEAVES);
      if (leaf === 'array') {
        w.line(i + 2, 'items:');
        w.line(i + 4, 'type: string');
        w.line(i + 2, 'type: array');
        if (g.chance(0.5)) w.line(i + 2, 'x-kubernetes-list-type: atomic');
      } else if (leaf === 'quantity') {
        w.line(i + 2, 'anyOf:');
        w.line(i + 2, '- type: integer');
        w.line(i + 2, '- type: string');
        w.line(i + 2, 'pattern: ^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$');
        w.line(i + 2, 'x-kubernetes-int-or-string: true');
      } else if (leaf === 'enum') {
        w.line(i + 2, 'enum:');
        for (const value of ['Always', 'Never', 'IfNotPresent', 'OnFailure'].slice(0, g.int(2, 4))) w.line(i + 2, `- ${value}`);
        w.line(i + 2, 'type: string');
      } else {
        if (leaf === 'integer') w.line(i + 2, `format: int${g.pick([32, 64])}`);
        if (leaf === 'string' && g.chance(0.15))
          w.line(i + 2, `pattern: ${g.pick(['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '"^(\\\\d+)(ms|s|m|h)$"', '^(http|https)://.+$'])}`);
        if (leaf === 'string' && g.chance(0.1)) {
          w.line(i + 2, 'x-kubernetes-validations:');
          w.line(i + 2, `- message: ${key} must be at most 63 characters`);
          w.line(i + 4, "rule: self.size() <= 63 && !self.startsWith('-')");
        }
        w.line(i + 2, `type: ${leaf}`);
      }
    }
  }
}

/** A controller-gen CustomResourceDefinition of about `bytes` characters. */
function crd(w: Writer, g: Gen, index: number, bytes: number): void {
  const group = `${g.pick(APPS)}.${g.pick(['argoproj.io', 'istio.io', 'monitoring.coreos.com', 'tekton.dev', 'example.com'])}`;
  const base = g.pick(APPS);
  const kind = `${base[0].toUpperCase()}${base.slice(1)}${g.pick(['Policy', 'Monitor', 'Route', 'Run', 'Set'])}${index}`;
  const plural = `${kind.toLowerCase()}s`;
  // One description style per CRD (a generator version writes one), with single quotes where plain cannot be.
  const main = g.pick<DescriptionStyle>(['block', 'plain', 'plain']);
  const style = (): DescriptionStyle => (g.chance(0.08) ? 'quoted' : main);
  w.line(0, 'apiVersion: apiextensions.k8s.io/v1');
  w.line(0, 'kind: CustomResourceDefinition');
  w.line(0, 'metadata:');
  w.line(2, 'annotations:');
  w.line(4, `controller-gen.kubebuilder.io/version: v0.${g.int(10, 17)}.${g.int(0, 4)}`);
  w.line(2, 'labels:');
  w.line(4, `app.kubernetes.io/name: ${plural}.${group}`);
  w.line(4, `app.kubernetes.io/part-of: ${group.split('.')[0]}`);
  w.line(2, `name: ${plural}.${group}`);
  w.line(0, 'spec:');
  w.line(2, `group: ${group}`);
  w.line(2, 'names:');
  w.line(4, `kind: ${kind}`);
  w.line(4, `listKind: ${kind}List`);
  w.line(4, `plural: ${plural}`);
  w.line(4, 'shortNames:');
  w.line(4, `- ${plural.slice(0, 3)}`);
  w.line(4, `singular: ${kind.toLowerCase()}`);
  w.line(2, `scope: ${g.pick(['Namespaced', 'Cluster'])}`);
  w.line(2, 'versions:');
  w.line(2, '- additionalPrinterColumns:');
  w.line(4, '- jsonPath: .status.phase');
  w.line(6, 'name: Phase');
  w.line(6, 'type: string');
  w.line(4, '- jsonPath: .metadata.creationTimestamp');
  w.line(6, 'name: Age');
  w.line(6, 'type: date');
  w.line(4, `name: v1${g.pick(['', 'alpha1', 'beta1'])}`);
  w.line(4, 'schema:');
  w.line(6, 'openAPIV3Schema:');
  longString(w, 8, 'description', `${kind} is the Schema for the ${plural} API. ${sentence(g, 5, 20)}`, main);
  schemaProperties(w, g, 8, 9, style, { left: bytes, counted: w.lines.length }, Infinity);
  w.line(8, 'type: object');
  w.line(4, 'served: true');
  w.line(4, 'storage: true');
  w.line(4, 'subresources:');
  w.line(6, 'status: {}');
}

function writeDocument(w: Writer, g: Gen, family: Family, index: number, crdBytes: readonly [number, number]): void {
  switch (family) {
    case 'handwritten':
      return handwrittenDocument(w, g, index);
    case 'kustomized':
      return kustomized(w, g, index);
    case 'helm':
      return helm(w, g, index);
    case 'microservices':
      return microservices(w, g, index);
    case 'flow':
      return flow(w, g, index);
    case 'multiline':
      return multiline(w, g, index);
    case 'escaped':
      return escaped(w, g, index);
    case 'anchored':
      return anchored(w, g, index);
    case 'json':
      return json(w, g, index);
    case 'crd':
      return crd(w, g, index, g.int(crdBytes[0], crdBytes[1]));
  }
}

/** The documents of a stream: drawn from the families until targetBytes characters (the last may overshoot). */
function streamWith(g: Gen, targetBytes: number, options: StreamOptions, crdBytes: readonly [number, number]): VariedStream {
  const families = options.families ?? FAMILIES;
  const eol = options.crlf ? '\r\n' : '\n';
  const parts: string[] = [];
  const documents: GeneratedDocument[] = [];
  let size = 0;
  for (let index = 0; size < targetBytes; index++) {
    const family = pickFamily(g, families);
    const w = new Writer();
    if (index > 0) w.line(0, '---');
    writeDocument(w, g, family, index, crdBytes);
    const text = w.lines.join(eol) + eol;
    parts.push(text);
    documents.push({ family, start: size, end: size + text.length });
    size += text.length;
  }
  return { text: parts.join(''), documents };
}

/** A multi-document stream of at least targetBytes characters mixing every family (or the ones given). */
export function generateVaried(targetBytes: number, seed: number, options: StreamOptions = {}): VariedStream {
  return streamWith(new Gen(prng(seed)), targetBytes, options, [10_000, 60_000]);
}

export interface GeneratedFile {
  /** Relative, with `/` separators. */
  readonly path: string;
  readonly text: string;
  readonly documents: readonly GeneratedDocument[];
}

/** Share of files written with CRLF line endings. */
const CRLF_SHARE = 0.02;
const ALL_BUT_CRD = FAMILIES.filter((f) => f !== 'crd');

interface FileClass {
  readonly name: string;
  /** Share of the folder's bytes. */
  readonly share: number;
  /** The size of a file, or 'one object' for files of one document, as most files in repositories are. */
  readonly bytes: readonly [number, number] | 'one object';
  readonly families: readonly Family[];
  readonly crdBytes: readonly [number, number];
}

/**
 * Size classes of a folder, by their share of its bytes (the sampled repositories: files under 2 KB
 * held 8 % of the bytes, 2–20 KB 8 %, 20–200 KB 6 %, bundles over 200 KB 78 %).
 */
const FILE_CLASSES: readonly FileClass[] = [
  { name: 'small', share: 0.12, bytes: 'one object', families: ALL_BUT_CRD, crdBytes: [0, 0] },
  { name: 'medium', share: 0.1, bytes: [2_000, 20_000], families: ALL_BUT_CRD, crdBytes: [0, 0] },
  { name: 'large', share: 0.08, bytes: [20_000, 200_000], families: FAMILIES, crdBytes: [10_000, 60_000] },
  { name: 'crd-bundle', share: 0.4, bytes: [200_000, 900_000], families: ['crd'], crdBytes: [30_000, 250_000] },
  { name: 'install', share: 0.3, bytes: [200_000, 900_000], families: ['kustomized', 'kustomized', 'crd'], crdBytes: [30_000, 250_000] },
];

function fileOf(g: Gen, path: string, targetBytes: number, options: StreamOptions, crdBytes: readonly [number, number]): GeneratedFile {
  const stream = streamWith(g, targetBytes, { ...options, crlf: g.chance(CRLF_SHARE) }, crdBytes);
  return { path, ...stream };
}

/**
 * A folder of varied manifests of about totalBytes characters: many small files, some multi-document
 * ones, a few CRD and install bundles (see FILE_CLASSES), 2 % of them with CRLF line endings.
 */
export function generateFolder(totalBytes: number, seed: number): GeneratedFile[] {
  const g = new Gen(prng(seed));
  const files: GeneratedFile[] = [];
  for (const fileClass of FILE_CLASSES) {
    let left = totalBytes * fileClass.share;
    for (let n = 0; left > 0; n++) {
      const range = fileClass.bytes;
      const bytes = range === 'one object' ? 1 : Math.min(g.int(range[0], range[1]), Math.max(left, range[0]));
      const folder = fileClass.name === 'small' || fileClass.name === 'medium' ? `${g.pick(TEAMS)}/${g.pick(APPS)}` : fileClass.name;
      const file = fileOf(g, `${folder}/${fileClass.name}-${n}.yaml`, bytes, { families: fileClass.families }, fileClass.crdBytes);
      files.push(file);
      left -= file.text.length;
    }
  }
  return files;
}

/** count one-object files in folders of a hundred, for the many-files measurement. */
export function generateSmallFiles(count: number, seed: number): GeneratedFile[] {
  const g = new Gen(prng(seed));
  return Array.from({ length: count }, (_, n) =>
    fileOf(g, `${String(Math.floor(n / 100)).padStart(3, '0')}/${g.pick(APPS)}-${n}.yaml`, 1, { families: ALL_BUT_CRD }, [0, 0]),
  );
}

/**
 * The stub API server (test/helpers/apiserver) checked with the real kubectl: if kubectl works against
 * it for apply, conflicts, set image, scale, get and rollout status, and reports 401 and 403 the way it
 * does against a real cluster, then our own client is tested against a server that behaves like one.
 * kubectl missing is a failure with the reason, never a skip.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDiscovery, runKubectl, startApiServer } from '../helpers/apiserver';
import type { ApiServer, KubectlResult, RecordedRequest } from '../helpers/apiserver';
import { recordKubectl } from '../helpers/apiserver/kubectlRecording';

function deployment(options: { replicas?: number; image?: string; name?: string } = {}): string {
  const name = options.name ?? 'web';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: ${options.replicas ?? 2}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: web
          image: ${options.image ?? 'registry.example.com/team/web:1.0'}
          ports:
            - containerPort: 8080
`;
}

function service(name: string, ports: readonly (readonly [string, number])[]): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
${ports.map(([portName, port]) => `    - name: ${portName}\n      port: ${port}\n`).join('')}`;
}

function ok(result: KubectlResult): KubectlResult {
  assert.equal(result.exitCode, 0, `kubectl failed: ${result.stderr}`);
  return result;
}

function writes(result: KubectlResult): RecordedRequest[] {
  return result.requests.filter((r) => !isDiscovery(r) && r.method !== 'GET');
}

interface Deployment {
  metadata: { generation: number; resourceVersion: string; managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1: object }[] };
  spec: { replicas: number; template: { spec: { containers: { name: string; image: string; imagePullPolicy: string }[] } } };
}

interface ServicePort {
  name: string;
  port: number;
  protocol: string;
  targetPort: number;
}

describe('the stub API server, driven by the real kubectl', () => {
  let api: ApiServer;
  const live = (): Deployment => api.get('apps/v1', 'Deployment', 'default', 'web') as unknown as Deployment;
  const servicePorts = async (name: string): Promise<ServicePort[]> => {
    const result = ok(await runKubectl(api, ['get', 'svc', name, '-o', 'json']));
    return (JSON.parse(result.stdout) as { spec: { ports: ServicePort[] } }).spec.ports;
  };
  const managedFieldsOf = async (name: string): Promise<Record<string, object>> => {
    const result = ok(await runKubectl(api, ['get', 'svc', name, '-o', 'json', '--show-managed-fields']));
    const entries = (JSON.parse(result.stdout) as { metadata: { managedFields: { manager: string; fieldsV1: object }[] } }).metadata.managedFields;
    return Object.fromEntries(entries.map((m) => [m.manager, m.fieldsV1]));
  };

  before(async () => {
    api = await startApiServer();
  });
  after(async () => {
    await api?.close();
  });

  it('finds kubectl and talks to the server over TLS with the kubeconfig', async () => {
    const result = ok(await runKubectl(api, ['version', '-o', 'json']));
    const version = JSON.parse(result.stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    assert.match(version.clientVersion.gitVersion, /^v1\./);
    assert.equal(version.serverVersion.gitVersion, 'v1.32.0');
  });

  it('kubectl apply --server-side creates the object with one PATCH (apply-patch+yaml, fieldManager kubectl)', async () => {
    const result = ok(await runKubectl(api, ['apply', '--server-side'], { manifest: deployment() }));
    assert.match(result.stdout, /deployment\.apps\/web serverside-applied/);
    // Discovery fell back from aggregated to legacy discovery, and OpenAPI v3 answered the fieldValidation question.
    const paths = result.requests.map((r) => r.path);
    assert.ok(paths.includes('/openapi/v3') && paths.includes('/apis/apps/v1'), paths.join(' '));
    const aggregated = result.requests.find((r) => r.path === '/api');
    assert.match(aggregated?.headers['accept'] ?? '', /as=APIGroupDiscoveryList/);
    const [patch] = writes(result);
    assert.equal(patch.method, 'PATCH');
    assert.equal(patch.path, '/apis/apps/v1/namespaces/default/deployments/web');
    assert.deepEqual(patch.query, { fieldManager: 'kubectl', fieldValidation: 'Strict', force: 'false' });
    assert.equal(patch.headers['content-type'], 'application/apply-patch+yaml');
    assert.equal(JSON.parse(patch.body).spec.replicas, 2);

    const stored = live();
    assert.equal(stored.spec.replicas, 2);
    assert.equal(stored.metadata.generation, 1);
    assert.equal(stored.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent', 'defaulted like the real server');
    assert.deepEqual(
      stored.metadata.managedFields?.map((m) => [m.manager, m.operation]),
      [['kubectl', 'Apply']],
    );
  });

  it('a second apply with a change updates it and bumps the generation; the same apply again changes nothing', async () => {
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: deployment({ replicas: 3 }) }));
    assert.equal(live().spec.replicas, 3);
    assert.equal(live().metadata.generation, 2);
    const resourceVersion = live().metadata.resourceVersion;
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: deployment({ replicas: 3 }) }));
    assert.equal(live().metadata.resourceVersion, resourceVersion);
  });

  it('--dry-run=server sends dryRun=All, shows the result and stores nothing', async () => {
    const before = live().metadata.resourceVersion;
    const result = ok(
      await runKubectl(api, ['apply', '--server-side', '--dry-run=server', '-o', 'jsonpath={.spec.replicas}'], { manifest: deployment({ replicas: 7 }) }),
    );
    assert.equal(result.stdout, '7');
    assert.equal(writes(result)[0].query['dryRun'], 'All');
    assert.equal(live().spec.replicas, 3);
    assert.equal(live().metadata.resourceVersion, before);
  });

  it('an apply by another field manager changing an owned field is a conflict kubectl reports', async () => {
    const result = await runKubectl(api, ['apply', '--server-side', '--field-manager=deployer'], { manifest: deployment({ replicas: 5 }) });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
    assert.match(result.stderr, /--force-conflicts/);
    assert.equal(live().spec.replicas, 3);
  });

  it('--force-conflicts takes the field over', async () => {
    const result = ok(
      await runKubectl(api, ['apply', '--server-side', '--field-manager=deployer', '--force-conflicts'], { manifest: deployment({ replicas: 5 }) }),
    );
    assert.equal(writes(result)[0].query['force'], 'true');
    assert.equal(live().spec.replicas, 5);
    const owners = Object.fromEntries((live().metadata.managedFields ?? []).map((m) => [m.manager, JSON.stringify(m.fieldsV1)]));
    assert.match(owners['deployer'], /"f:replicas"/);
    assert.doesNotMatch(owners['kubectl'], /"f:replicas"/);
  });

  it('kubectl set image sends a strategic merge patch and the container gets the image', async () => {
    const result = ok(await runKubectl(api, ['set', 'image', 'deployment/web', 'web=registry.example.com/team/web:2.0']));
    assert.match(result.stdout, /deployment\.apps\/web image updated/);
    const [patch] = writes(result);
    assert.equal(patch.headers['content-type'], 'application/strategic-merge-patch+json');
    assert.equal(patch.query['fieldManager'], 'kubectl-set');
    assert.deepEqual(JSON.parse(patch.body), {
      spec: {
        template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'registry.example.com/team/web:2.0', name: 'web' }] } },
      },
    });
    assert.equal(live().spec.template.spec.containers[0].image, 'registry.example.com/team/web:2.0');
    const setter = live().metadata.managedFields?.find((m) => m.manager === 'kubectl-set');
    assert.equal(setter?.operation, 'Update');
  });

  it('an apply after set image conflicts with the kubectl-set manager on the image', async () => {
    const result = await runKubectl(api, ['apply', '--server-side'], { manifest: deployment({ replicas: 5 }) });
    assert.notEqual(result.exitCode, 0);
    assert.match(
      result.stderr,
      /Apply failed with 1 conflict: conflict with "kubectl-set" using apps\/v1: \.spec\.template\.spec\.containers\[name="web"\]\.image/,
    );
  });

  it('kubectl scale patches the scale subresource', async () => {
    const result = ok(await runKubectl(api, ['scale', 'deployment/web', '--replicas=3']));
    assert.match(result.stdout, /deployment\.apps\/web scaled/);
    const [patch] = writes(result);
    assert.equal(patch.path, '/apis/apps/v1/namespaces/default/deployments/web/scale');
    assert.equal(patch.headers['content-type'], 'application/merge-patch+json');
    assert.deepEqual(JSON.parse(patch.body), { spec: { replicas: 3 } });
    assert.equal(live().spec.replicas, 3);
    const scaler = live().metadata.managedFields?.find((m) => m.subresource === 'scale');
    assert.equal(scaler?.manager, 'kubectl');
  });

  it('kubectl get -o json shows the object; the table view works too', async () => {
    const result = ok(await runKubectl(api, ['get', 'deployment', 'web', '-o', 'json']));
    const object = JSON.parse(result.stdout) as Deployment & { kind: string };
    assert.equal(object.kind, 'Deployment');
    assert.equal(object.spec.replicas, 3);
    assert.equal(object.spec.template.spec.containers[0].image, 'registry.example.com/team/web:2.0');
    const table = ok(await runKubectl(api, ['get', 'deployments']));
    assert.match(table.stdout, /^NAME\s+AGE\nweb\s+\d+s\n$/);
  });

  it('kubectl rollout status lists and watches by name and finishes when the rollout does', async () => {
    const watching = runKubectl(api, ['rollout', 'status', 'deployment/web', '--timeout=20s']);
    // Let kubectl reach its watch before the controller starts writing.
    await api.waitForRequest((r) => r.query['watch'] === 'true' && r.path.endsWith('/deployments'), "kubectl's watch of the deployment");
    await api.simulate({ name: 'web' }, { kind: 'rollout-ok', stepMs: 20 });
    const result = ok(await watching);
    assert.match(result.stdout, /Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated\.\.\./);
    assert.match(result.stdout, /deployment "web" successfully rolled out/);
    const list = result.requests.find((r) => r.path === '/apis/apps/v1/namespaces/default/deployments' && r.query['watch'] === undefined);
    assert.equal(list?.query['fieldSelector'], 'metadata.name=web');
    const watch = result.requests.find((r) => r.query['watch'] === 'true');
    assert.equal(watch?.query['fieldSelector'], 'metadata.name=web');
    assert.ok(watch?.query['resourceVersion'], "the watch starts from the list's resourceVersion");
    const pods = api.list('v1', 'Pod', 'default');
    assert.equal(pods.length, 3);
  });

  it('pull failures put kubelet reasons and messages on the pods kubectl reads', async () => {
    ok(await runKubectl(api, ['set', 'image', 'deployment/web', 'web=registry.example.com/team/web:9.9']));
    await api.simulate({ name: 'web' }, { kind: 'pull-fails', cause: 'tag-not-found', stepMs: 5 });
    const result = ok(await runKubectl(api, ['get', 'pods', '-l', 'app=web', '-o', 'json']));
    const pods = (JSON.parse(result.stdout) as { items: { status: { containerStatuses: { state: { waiting?: { reason: string; message: string } } }[] } }[] })
      .items;
    // The three old pods keep running; the one surge pod of the new ReplicaSet cannot pull.
    assert.equal(pods.length, 4);
    const waiting = pods.map((p) => p.status.containerStatuses[0].state.waiting).filter((w) => w !== undefined);
    assert.deepEqual(waiting, [{ reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/team/web:9.9"' }]);
    const events = ok(await runKubectl(api, ['get', 'events', '-o', 'json']));
    assert.match(
      events.stdout,
      /Failed to pull image \\"registry.example.com\/team\/web:9.9\\": rpc error: code = NotFound desc = failed to pull and unpack image \\"registry.example.com\/team\/web:9.9\\"/,
    );
    // The kubelet's Failed events of the pod that cannot pull, by the field selector watchRollout uses.
    const failing = api.list('v1', 'Pod', 'default').find((p) => JSON.stringify(p['status']).includes('ImagePullBackOff'));
    const name = String((failing?.['metadata'] as { name?: string } | undefined)?.name);
    const selected = ok(
      await runKubectl(api, ['get', 'events', '--field-selector', `involvedObject.kind=Pod,involvedObject.name=${name},reason=Failed`, '-o', 'json']),
    );
    const items = (JSON.parse(selected.stdout) as { items: { message: string; involvedObject: { fieldPath: string } }[] }).items;
    assert.ok(items.every((e) => e.involvedObject.fieldPath === 'spec.containers{web}'));
    const messages = items.map((e) => e.message).sort();
    assert.deepEqual(messages.slice(0, 2), ['Error: ErrImagePull', 'Error: ImagePullBackOff']);
    assert.match(messages[2], /^Failed to pull image "registry\.example\.com\/team\/web:9\.9": rpc error: code = NotFound /);
    assert.equal(messages.length, 3);
    const status = await runKubectl(api, ['rollout', 'status', 'deployment/web', '--timeout=1s']);
    assert.notEqual(status.exitCode, 0);
    assert.match(status.stdout, /Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated\.\.\./);
  });

  it('a rollout past its progress deadline makes kubectl rollout status fail with its message', async () => {
    ok(await runKubectl(api, ['set', 'image', 'deployment/web', 'web=registry.example.com/team/web:3.0']));
    await api.simulate({ name: 'web' }, { kind: 'deadline-exceeded', stepMs: 5 });
    const result = await runKubectl(api, ['rollout', 'status', 'deployment/web', '--timeout=5s']);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /deployment "web" exceeded its progress deadline/);
  });

  it('a read-only token can read, and kubectl prints the forbidden message with verb and resource for writes', async () => {
    const kubeconfig = api.kubeconfigFor(api.tokens.reader);
    ok(await runKubectl(api, ['get', 'deployment', 'web'], { kubeconfig }));
    const result = await runKubectl(api, ['scale', 'deployment/web', '--replicas=1'], { kubeconfig });
    assert.notEqual(result.exitCode, 0);
    assert.match(
      result.stderr,
      /Error from server \(Forbidden\): deployments\.apps "web" is forbidden: User "reader" cannot patch resource "deployments\/scale" in API group "apps" in the namespace "default"/,
    );
    const apply = await runKubectl(api, ['apply', '--server-side'], { kubeconfig, manifest: deployment() });
    assert.notEqual(apply.exitCode, 0);
    assert.match(apply.stderr, /User "reader" cannot patch resource "deployments" in API group "apps" in the namespace "default"/);
  });

  it('an unknown token is Unauthorized: kubectl says to log in', async () => {
    const result = await runKubectl(api, ['get', 'deployment', 'web'], { kubeconfig: api.kubeconfigFor('not-a-token') });
    assert.notEqual(result.exitCode, 0);
    // With no discovery cache the 401 comes from discovery, which words it this way (as with a real server).
    assert.match(result.stderr, /error: You must be logged in to the server \(the server has asked for the client to provide credentials\)/);
    const unauthorized = result.requests.find((r) => r.path === '/api');
    assert.equal(unauthorized?.headers['authorization'], 'Bearer not-a-token');
  });

  it('discovery resolves custom kinds (namespaced and cluster-scoped) and refuses unknown ones', async () => {
    const manifest = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  image: registry.example.com/widget:1
---
apiVersion: example.com/v1
kind: Gadget
metadata:
  name: g1
spec:
  size: 3
`;
    const result = ok(await runKubectl(api, ['apply', '--server-side'], { manifest }));
    const paths = writes(result).map((r) => r.path);
    assert.deepEqual(paths, ['/apis/example.com/v1/namespaces/default/widgets/w1', '/apis/example.com/v1/gadgets/g1']);
    assert.equal((api.get('example.com/v1', 'Gadget', null, 'g1') as unknown as { spec: { size: number } }).spec.size, 3);
    const unknown = await runKubectl(api, ['apply', '--server-side'], { manifest: 'apiVersion: example.com/v1\nkind: Sprocket\nmetadata:\n  name: s\n' });
    assert.notEqual(unknown.exitCode, 0);
    assert.match(unknown.stderr, /no matches for kind "Sprocket" in version "example.com\/v1"/);
    const unknownGroup = await runKubectl(api, ['apply', '--server-side'], { manifest: 'apiVersion: other.io/v1\nkind: Thing\nmetadata:\n  name: t\n' });
    assert.match(unknownGroup.stderr, /no matches for kind "Thing" in version "other.io\/v1"/);
    const crds = ok(await runKubectl(api, ['get', 'crd', '-o', 'name']));
    assert.equal(
      crds.stdout,
      'customresourcedefinition.apiextensions.k8s.io/gadgets.example.com\ncustomresourcedefinition.apiextensions.k8s.io/widgets.example.com\n',
    );
  });

  it('an apply that leaves out a field it applied before removes it, unless another manager owns it too', async () => {
    const withPorts = deployment({ name: 'trim' });
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: withPorts }));
    ok(
      await runKubectl(api, ['apply', '--server-side', '--field-manager=other'], {
        manifest: withPorts.replace('replicas: 2', 'replicas: 1').replace(/\n  replicas: 1\n/, '\n'),
      }),
    );
    const withoutPortsOrLabel = withPorts.replace('          ports:\n            - containerPort: 8080\n', '').replace('  labels:\n    app: trim\n', '');
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: withoutPortsOrLabel }));
    const trimmed = api.get('apps/v1', 'Deployment', 'default', 'trim') as unknown as {
      metadata: { labels?: Record<string, string> };
      spec: { template: { spec: { containers: { ports?: unknown[] }[] } } };
    };
    // "other" applied the same ports and label, so they stay; it never applied them alone.
    assert.deepEqual(trimmed.metadata.labels, { app: 'trim' });
    assert.equal(trimmed.spec.template.spec.containers[0].ports?.length, 1);
    ok(await runKubectl(api, ['apply', '--server-side', '--field-manager=other'], { manifest: withoutPortsOrLabel }));
    const after = api.get('apps/v1', 'Deployment', 'default', 'trim') as unknown as typeof trimmed;
    assert.equal(after.metadata.labels, undefined);
    assert.equal(after.spec.template.spec.containers[0].ports, undefined);
  });

  it("an apply that changes a list entry's key replaces the entry: the old one goes with all its fields", async () => {
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: service('rekeyed', [['http', 80]]) }));
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: service('rekeyed', [['http', 8081]]) }));
    assert.deepEqual(await servicePorts('rekeyed'), [{ name: 'http', port: 8081, protocol: 'TCP', targetPort: 8081 }]);

    const renamed = deployment({ name: 'renamed' });
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: renamed }));
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: renamed.replace('- name: web', '- name: app') }));
    const result = ok(await runKubectl(api, ['get', 'deployment', 'renamed', '-o', 'json']));
    const containers = (JSON.parse(result.stdout) as Deployment).spec.template.spec.containers;
    assert.deepEqual(
      containers.map((c) => [c.name, c.image]),
      [['app', 'registry.example.com/team/web:1.0']],
    );
  });

  it("a re-keyed entry takes the old one's place in the list, before the entries that stay", async () => {
    ok(
      await runKubectl(api, ['apply', '--server-side'], {
        manifest: service('ordered', [
          ['http', 80],
          ['https', 443],
        ]),
      }),
    );
    ok(
      await runKubectl(api, ['apply', '--server-side'], {
        manifest: service('ordered', [
          ['http', 8081],
          ['https', 443],
        ]),
      }),
    );
    assert.deepEqual(
      (await servicePorts('ordered')).map((p) => p.port),
      [8081, 443],
    );
  });

  it('an entry the applier no longer applies stays, with all its fields, while another manager applies it', async () => {
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: service('shared', [['http', 80]]) }));
    ok(await runKubectl(api, ['apply', '--server-side', '--field-manager=other'], { manifest: service('shared', [['http', 80]]) }));
    // Another name for the new entry: the old one stays, and two ports named alike are invalid.
    ok(await runKubectl(api, ['apply', '--server-side'], { manifest: service('shared', [['web', 8081]]) }));
    assert.deepEqual(await servicePorts('shared'), [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'web', port: 8081, protocol: 'TCP', targetPort: 8081 },
    ]);
    const owners = await managedFieldsOf('shared');
    assert.doesNotMatch(JSON.stringify(owners['kubectl']), /"port\\":80,/);
    assert.match(JSON.stringify(owners['other']), /"port\\":80,/);
  });

  it('after a client-side apply, apply --server-side migrates the ownership to kubectl, so a re-keyed entry is removed', async () => {
    ok(await runKubectl(api, ['apply'], { manifest: service('migrated', [['http', 80]]) }));
    const result = ok(await runKubectl(api, ['apply', '--server-side'], { manifest: service('migrated', [['web', 8081]]) }));
    // kubectl applies, takes the last-applied annotation, rewrites managedFields with a JSON patch and applies again.
    assert.deepEqual(
      writes(result).map((r) => r.headers['content-type']),
      ['application/apply-patch+yaml', 'application/apply-patch+yaml', 'application/json-patch+json', 'application/apply-patch+yaml'],
    );
    assert.deepEqual(await servicePorts('migrated'), [{ name: 'web', port: 8081, protocol: 'TCP', targetPort: 8081 }]);
    assert.deepEqual(Object.keys(await managedFieldsOf('migrated')).sort(), ['kubectl', 'kubectl-last-applied']);
  });

  it('an apply carrying managedFields is refused like the real server refuses it', async () => {
    const manifest = service('carried', [['http', 80]]).replace(
      'metadata:\n',
      'metadata:\n  managedFields:\n    - manager: x\n      operation: Apply\n      apiVersion: v1\n      fieldsType: FieldsV1\n      fieldsV1: {}\n',
    );
    const result = await runKubectl(api, ['apply', '--server-side'], { manifest });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /Error from server \(BadRequest\): metadata\.managedFields must be nil/);
  });

  it('the server refuses what the real one refuses: an invalid imagePullPolicy is 422 Invalid', async () => {
    const manifest = deployment({ name: 'bad' }).replace('          ports:', '          imagePullPolicy: always\n          ports:');
    const result = await runKubectl(api, ['apply', '--server-side'], { manifest });
    assert.notEqual(result.exitCode, 0);
    assert.match(
      result.stderr,
      /The Deployment "bad" is invalid: spec\.template\.spec\.containers\[0\]\.imagePullPolicy: Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never"/,
    );
  });
});

describe('recordKubectl', () => {
  it('returns the requests kubectl sends for a manifest, without discovery', async () => {
    const requests = await recordKubectl(['apply', '--server-side'], deployment());
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      ['PATCH /apis/apps/v1/namespaces/default/deployments/web'],
    );
    assert.equal(requests[0].headers['content-type'], 'application/apply-patch+yaml');
  });
});

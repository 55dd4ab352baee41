/**
 * The custom resources of builtInLocations.ts, on fixtures written from each project's documented
 * examples (test/fixtures/manifests/crds/, each citing its source): every image field is found where
 * it is, with the exact span of its value (line:column and the source text), its path and its label;
 * the findings each file gets; and the fields that must not be found (a Tekton step that takes its
 * image from a StepAction or the stepTemplate, Numaflow's containerTemplate, a Crossplane runtime
 * container that leaves its image to the package, an OpenShift Template's Service).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import type { Analysis } from '../../../server/src/core/analysis';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_RULES } from '../../../server/src/core/manifest/builtInLocations';
import { CRD_FIXTURE_NAMES, CRD_FIXTURES, crdFixture } from '../../helpers/crdFixtures';

/** `Kind path (label) line:column source`, in text order: the record's image value, or `-` without one. */
function found(analysis: Analysis): string[] {
  const { text } = analysis;
  const records: Array<[number, string]> = [];
  for (const doc of analysis.documents) {
    for (const c of doc.analysis.fields.containers) {
      const value = c.image?.value;
      let where = '-';
      if (value) {
        const start = doc.start + value.start;
        const line = text.slice(0, start).split('\n').length;
        const column = start - text.lastIndexOf('\n', start - 1);
        where = `${line}:${column} ${text.slice(start, doc.start + value.end)}`;
      }
      records.push([doc.start + (value?.start ?? c.start), `${c.workloadKind} ${c.path} (${c.location.label}) ${where}`]);
    }
  }
  return records.sort((a, b) => a[0] - b[0]).map(([, line]) => line);
}

const EXPECTED: Record<string, readonly string[]> = {
  'argo-rollouts.yaml': [
    'Rollout spec.template.spec.containers[0] (container) 27:16 argoproj/rollouts-demo:blue',
    'Experiment spec.templates[0].template.spec.containers[0] (container) 50:18 argoproj/rollouts-demo:purple',
    'Experiment spec.templates[1].template.spec.containers[0] (container) 63:18 argoproj/rollouts-demo:orange',
    'AnalysisTemplate spec.metrics[0].provider.job.spec.template.spec.containers[0] (container) 86:24 alpine:3.8',
    'ClusterAnalysisTemplate spec.metrics[0].provider.job.spec.template.spec.containers[0] (container) 109:28 alpine:3.8',
    'AnalysisRun spec.metrics[0].provider.job.spec.template.spec.containers[0] (container) 129:24 nginx:1.19-alpine',
  ],
  'argo-workflows.yaml': [
    'Workflow spec.templateDefaults.container (default template container) 17:14 busybox',
    'Workflow spec.templates[0].script (script template) 21:14 alpine:3.23',
    'Workflow spec.templates[1].container (template container) 27:14 alpine:3.23',
    'Workflow spec.templates[1].initContainers[0] (init container) 34:14 alpine:3.23',
    'Workflow spec.templates[2].sidecars[0] (sidecar) 43:14 influxdb:1.2',
    'Workflow spec.templates[3].containerSet.containers[0] (container set container) 49:18 argoproj/argosay:v2',
    'Workflow spec.templates[3].containerSet.containers[1] (container set container) 51:18 argoproj/argosay:v2',
    'WorkflowTemplate spec.templates[0].container (template container) 69:14 busybox',
    'ClusterWorkflowTemplate spec.templates[0].container (template container) 83:14 python:alpine3.23',
    'CronWorkflow spec.workflowSpec.templates[0].container (template container) 101:18 busybox',
  ],
  'batch-schedulers.yaml': [
    'JobSet spec.replicatedJobs[0].template.spec.template.spec.containers[0] (container) 18:26 busybox',
    'JobSet spec.replicatedJobs[1].template.spec.template.spec.containers[0] (container) 32:26 busybox:1.36',
    'LeaderWorkerSet spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0] (container) 45:18 nginxinc/nginx-unprivileged:1.27',
    'LeaderWorkerSet spec.leaderWorkerTemplate.workerTemplate.spec.containers[0] (container) 51:18 nginxinc/nginx-unprivileged:1.27',
    'Job spec.tasks[0].template.spec.containers[0] (container) 69:22 nginx',
  ],
  'crossplane.yaml': [
    'Provider spec (Crossplane package) 11:12 xpkg.crossplane.io/crossplane-contrib/provider-aws-s3:v1.21.1',
    'Function spec (Crossplane package) 23:12 xpkg.upbound.io/negz/go-templates:v0.1.0',
  ],
  'keda.yaml': ['ScaledJob spec.jobTargetRef.template.spec.containers[0] (container) 15:18 demo-rabbitmq-client:1'],
  'knative.yaml': [
    'Service spec.template.spec.containers[0] (container) 14:18 gcr.io/knative-samples/helloworld-go',
    'Service spec.template.spec.containers[1] (container) 20:18 ko://knative.dev/serving/test/test_images/grpc-ping',
    'Configuration spec.template.spec.containers[0] (container) 30:18 gcr.io/knative-samples/helloworld-go:latest',
    'Revision spec.containers[0] (container) 39:14 kind.local/helloworld-go:latest',
    'Revision spec.initContainers[0] (init container) 41:14 busybox:latest',
    'ContainerSource spec.template.spec.containers[0] (container) 51:18 gcr.io/knative-nightly/knative.dev/eventing/cmd/heartbeats:latest',
  ],
  'kubeflow.yaml': [
    'TFJob spec.tfReplicaSpecs.Worker.template.spec.containers[0] (container) 21:22 kubeflow/tf-mnist-with-summaries:latest',
    'PyTorchJob spec.pytorchReplicaSpecs.Master.template.spec.containers[0] (container) 40:22 docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727',
    'PyTorchJob spec.pytorchReplicaSpecs.Worker.template.spec.containers[0] (container) 49:22 docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727',
    'ClusterTrainingRuntime spec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[0] (container) 71:30 pytorch/pytorch:2.5.0-cuda12.4-cudnn9-runtime',
    'TrainJob spec.trainer (trainer image) 84:12 docker.io/custom-training',
  ],
  'kuberay.yaml': [
    'RayCluster spec.autoscalerOptions (Ray autoscaler image) -',
    'RayCluster spec.headGroupSpec.template.spec.containers[0] (container) 22:18 rayproject/ray:2.52.0',
    'RayCluster spec.workerGroupSpecs[0].template.spec.containers[0] (container) 36:18 rayproject/ray:2.52.0',
    'RayJob spec.rayClusterSpec.headGroupSpec.template.spec.containers[0] (container) 52:20 rayproject/ray:2.52.0',
    'RayJob spec.rayClusterSpec.workerGroupSpecs[0].template.spec.containers[0] (container) 61:20 rayproject/ray:2.52.0',
    'RayJob spec.submitterPodTemplate.spec.containers[0] (container) 67:16 rayproject/ray:2.52.0',
  ],
  'kubernetes-image-volumes.yaml': [
    'Pod spec.containers[0] (container) 15:12 debian',
    'Pod spec.volumes[0].image (image volume) 22:18 quay.io/crio/artifact:v2',
    'Pod spec.volumes[1].image (image volume) 26:18 quay.io/crio/artifact:latest',
    'Pod spec.ephemeralContainers[0] (ephemeral container) 29:12 busybox:1.36',
    'Deployment spec.template.spec.containers[0] (container) 45:16 ghcr.io/acme/model-server:1.2.0',
    'Deployment spec.template.spec.volumes[0].image (image volume) 48:28 "ghcr.io/acme/weights:2025-01"',
    'Deployment spec.template.spec.volumes[1].image (image volume) -',
  ],
  'kubevirt.yaml': [
    'VirtualMachine spec.template.spec.volumes[0].containerDisk (containerDisk) 30:18 registry:5000/kubevirt/cirros-container-disk-demo:devel',
    'VirtualMachineInstance spec.domain.firmware.kernelBoot.container (kernel boot container) 52:18 registry:5000/kubevirt/alpine-ext-kernel-boot-demo:devel',
    'VirtualMachineInstance spec.volumes[0].containerDisk (containerDisk) 62:14 quay.io/containerdisks/fedora:latest@sha256:5ccb1d6b2dbf1c1b00e02a1ea2e5d2e6e8e1f2d2bd8a4a3c79b5d1c5b5e6f7a8',
    'VirtualMachineInstanceReplicaSet spec.template.spec.volumes[0].containerDisk (containerDisk) 91:18 quay.io/kubevirt/cirros-container-disk-demo',
    'VirtualMachinePool spec.virtualMachineTemplate.spec.template.spec.volumes[0].containerDisk (containerDisk) 125:22 registry:5000/kubevirt/cirros-container-disk-demo:devel',
  ],
  'numaflow.yaml': [
    'Pipeline spec.sideInputs[0].container (side input container) 14:16 my-sideinputs-s3-image:v1',
    'Pipeline spec.vertices[1].udf.container (UDF container) 30:18 quay.io/numaio/numaflow-go/map-cat:stable',
    'Pipeline spec.vertices[2].sink.udsink.container (user-defined sink container) 42:20 quay.io/numaio/numaflow-go/fb-sink-log:stable',
    'Pipeline spec.vertices[2].sink.fallback.udsink.container (fallback sink container) 47:22 quay.io/numaio/numaflow-go/fb-sink-log:stable',
    'Pipeline spec.vertices[2].sidecars[0] (sidecar) 50:18 fluent/fluent-bit:3.0',
    'MonoVertex spec.source.udsource.container (user-defined source container) 65:16 quay.io/numaio/numaflow-rs/simple-source:stable',
    'MonoVertex spec.source.transformer.container (source transformer container) 68:16 quay.io/numaio/numaflow-rs/source-transformer-now:stable',
    'MonoVertex spec.udf.container (UDF container) 71:14 quay.io/numaio/numaflow-go/map-cat:stable',
    'MonoVertex spec.sink.udsink.container (user-defined sink container) 76:16 quay.io/numaio/numaflow-rs/sink-log:stable',
    'MonoVertex spec.sink.fallback.udsink.container (fallback sink container) 80:18 quay.io/numaio/numaflow-go/fb-sink-log:stable',
  ],
  'openkruise.yaml': [
    'CloneSet spec.template.spec.containers[0] (container) 23:16 openkruise/guestbook:v1',
    'StatefulSet spec.template.spec.containers[0] (container) 45:16 nginx:alpine',
    'DaemonSet spec.template.spec.containers[0] (container) 62:16 openkruise/guestbook:v1',
    'BroadcastJob spec.template.spec.containers[0] (container) 73:18 openkruise/guestbook:v3',
    'AdvancedCronJob spec.template.broadcastJobTemplate.spec.template.spec.containers[0] (container) 96:24 perl:5.34',
    'UnitedDeployment spec.template.statefulSetTemplate.spec.template.spec.containers[0] (container) 122:24 nginx',
    'SidecarSet spec.initContainers[0] (init container) 138:14 busybox:1.28',
    'SidecarSet spec.containers[0] (SidecarSet container) 142:14 openkruise/guestbook:sidecar',
    'EphemeralJob spec.template.ephemeralContainers[0] (ephemeral container) 159:16 busybox:1.36',
    'ImagePullJob spec (ImagePullJob image) 168:10 nginx:1.25',
  ],
  'openshift.yaml': [
    'DeploymentConfig spec.template.spec.containers[0] (container) 22:16 openshift/deployment-example:v1',
    'DeploymentConfig objects[0].spec.template.spec.containers[0] (container) 45:18 registry.access.redhat.com/ubi9/httpd-24:1-300',
  ],
  'prometheus-operator.yaml': [
    'Prometheus spec (image) 13:10 quay.io/prometheus/prometheus:v3.5.0',
    'Prometheus spec.containers[1] (container) 27:12 quay.io/oauth2-proxy/oauth2-proxy:v7.9.0',
    'PrometheusAgent spec (image) -',
    'Alertmanager spec (image) 44:10 quay.io/prometheus/alertmanager',
  ],
  'spark.yaml': [
    'SparkApplication spec (Spark image) 12:10 docker.io/apache/spark:4.0.4',
    'SparkApplication spec.driver.sidecars[0] (sidecar) 25:14 prom/statsd-exporter:v0.28.0',
  ],
  'tekton.yaml': [
    'Task spec.stepTemplate (Tekton step template) 17:12 docker.io/library/bash:5.1.4',
    'Task spec.steps[0] (Tekton step) 21:14 $(params.BUILDER_IMAGE)',
    'Task spec.steps[1] (Tekton step) 25:14 docker.io/library/bash:5.1.4@sha256:c523c636b722339f41b6a431b44588ab2f762c5de5ec3bd7964420ff982fb1d9',
    'TaskRun spec.taskSpec.sidecars[0] (Tekton sidecar) 43:14 mirror.gcr.io/ubuntu@sha256:0d39fcc8335d6d74d5502f6df2d30119ff4790ebbb60b364818d5112d9e3e932',
    'TaskRun spec.taskSpec.steps[0] (Tekton step) 47:14 ghcr.io/tektoncd/catalog/upstream/tasks/skopeo-copy:latest',
    'Pipeline spec.tasks[0].taskSpec.steps[0] (Tekton step) 67:20 mirror.gcr.io/ubuntu',
    'Pipeline spec.finally[0].taskSpec.steps[0] (Tekton step) 75:20 mirror.gcr.io/ubuntu:24.04',
    'PipelineRun spec.pipelineSpec.tasks[0].taskSpec.steps[0] (Tekton step) 92:22 mirror.gcr.io/ubuntu:24.04',
    'StepAction spec (StepAction) 101:10 mirror.gcr.io/alpine@sha256:25109184c71bdad752c8312a8623239686a9a2071e8825f20acb8f2198c3f659',
    'TaskRun spec.resourcetemplates[0].spec.taskSpec.steps[0] (Tekton step) 121:18 alpine:3.20',
  ],
};

/** `code source-text` of every diagnostic, in text order, with the default settings and no workspace. */
const FINDINGS: Record<string, readonly string[]> = {
  'argo-rollouts.yaml': [
    'not-pinned argoproj/rollouts-demo:blue',
    'not-pinned argoproj/rollouts-demo:purple',
    'not-pinned argoproj/rollouts-demo:orange',
    'not-pinned alpine:3.8',
    'not-pinned alpine:3.8',
    'not-pinned nginx:1.19-alpine',
  ],
  'argo-workflows.yaml': [
    'implicit-latest busybox',
    'not-pinned alpine:3.23',
    'not-pinned alpine:3.23',
    'not-pinned alpine:3.23',
    'not-pinned influxdb:1.2',
    'not-pinned argoproj/argosay:v2',
    'not-pinned argoproj/argosay:v2',
    'implicit-latest busybox',
    'not-pinned python:alpine3.23',
    'redundant-pull-policy IfNotPresent',
    'implicit-latest busybox',
  ],
  'batch-schedulers.yaml': [
    'implicit-latest busybox',
    'not-pinned busybox:1.36',
    'not-pinned nginxinc/nginx-unprivileged:1.27',
    'not-pinned nginxinc/nginx-unprivileged:1.27',
    'implicit-latest nginx',
  ],
  'crossplane.yaml': [
    'not-pinned xpkg.crossplane.io/crossplane-contrib/provider-aws-s3:v1.21.1',
    'redundant-pull-policy IfNotPresent',
    'not-pinned xpkg.upbound.io/negz/go-templates:v0.1.0',
  ],
  'keda.yaml': ['not-pinned demo-rabbitmq-client:1'],
  'knative.yaml': [
    'implicit-latest gcr.io/knative-samples/helloworld-go',
    'latest-tag latest',
    'redundant-pull-policy IfNotPresent',
    'latest-tag latest',
    'latest-tag latest',
    'latest-tag latest',
  ],
  'kubeflow.yaml': [
    'latest-tag latest',
    'not-pinned docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727',
    'not-pinned docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727',
    'not-pinned pytorch/pytorch:2.5.0-cuda12.4-cudnn9-runtime',
    'implicit-latest docker.io/custom-training',
  ],
  'kuberay.yaml': [
    'not-pinned rayproject/ray:2.52.0',
    'not-pinned rayproject/ray:2.52.0',
    'not-pinned rayproject/ray:2.52.0',
    'not-pinned rayproject/ray:2.52.0',
    'not-pinned rayproject/ray:2.52.0',
  ],
  'kubernetes-image-volumes.yaml': [
    'implicit-latest debian',
    'not-pinned quay.io/crio/artifact:v2',
    'redundant-pull-policy IfNotPresent',
    'latest-tag latest',
    'not-pinned busybox:1.36',
    'not-pinned ghcr.io/acme/model-server:1.2.0',
    'not-pinned \"ghcr.io/acme/weights:2025-01\"',
    'missing-image pullPolicy',
  ],
  'kubevirt.yaml': [
    'not-pinned registry:5000/kubevirt/cirros-container-disk-demo:devel',
    'not-pinned registry:5000/kubevirt/alpine-ext-kernel-boot-demo:devel',
    'redundant-pull-policy IfNotPresent',
    'implicit-latest quay.io/kubevirt/cirros-container-disk-demo',
    'not-pinned registry:5000/kubevirt/cirros-container-disk-demo:devel',
  ],
  'numaflow.yaml': [
    'not-pinned my-sideinputs-s3-image:v1',
    'not-pinned quay.io/numaio/numaflow-go/map-cat:stable',
    'not-pinned quay.io/numaio/numaflow-go/fb-sink-log:stable',
    'not-pinned quay.io/numaio/numaflow-go/fb-sink-log:stable',
    'not-pinned fluent/fluent-bit:3.0',
    'not-pinned quay.io/numaio/numaflow-rs/simple-source:stable',
    'not-pinned quay.io/numaio/numaflow-rs/source-transformer-now:stable',
    'not-pinned quay.io/numaio/numaflow-go/map-cat:stable',
    'redundant-pull-policy IfNotPresent',
    'not-pinned quay.io/numaio/numaflow-rs/sink-log:stable',
    'not-pinned quay.io/numaio/numaflow-go/fb-sink-log:stable',
  ],
  'openkruise.yaml': [
    'not-pinned openkruise/guestbook:v1',
    'not-pinned nginx:alpine',
    'not-pinned openkruise/guestbook:v1',
    'not-pinned openkruise/guestbook:v3',
    'not-pinned perl:5.34',
    'implicit-latest nginx',
    'not-pinned busybox:1.28',
    'not-pinned openkruise/guestbook:sidecar',
    'not-pinned busybox:1.36',
    'not-pinned nginx:1.25',
  ],
  'openshift.yaml': ['not-pinned openshift/deployment-example:v1', 'not-pinned registry.access.redhat.com/ubi9/httpd-24:1-300'],
  'prometheus-operator.yaml': [
    'not-pinned quay.io/prometheus/prometheus:v3.5.0',
    'not-pinned quay.io/oauth2-proxy/oauth2-proxy:v7.9.0',
    'implicit-latest quay.io/prometheus/alertmanager',
  ],
  'spark.yaml': ['not-pinned docker.io/apache/spark:4.0.4', 'redundant-pull-policy IfNotPresent', 'not-pinned prom/statsd-exporter:v0.28.0'],
  'tekton.yaml': [
    'not-pinned docker.io/library/bash:5.1.4',
    'templated-image $(params.BUILDER_IMAGE)',
    'latest-tag latest',
    'redundant-pull-policy Always',
    'implicit-latest mirror.gcr.io/ubuntu',
    'not-pinned mirror.gcr.io/ubuntu:24.04',
    'not-pinned mirror.gcr.io/ubuntu:24.04',
    'not-pinned alpine:3.20',
  ],
};

test('every fixture of test/fixtures/manifests/crds has its expectations, and cites its source', () => {
  const names = [...CRD_FIXTURE_NAMES];
  assert.deepEqual(names, Object.keys(EXPECTED).sort());
  assert.deepEqual(names, Object.keys(FINDINGS).sort());
  for (const name of names) assert.match(crdFixture(name), /^# .*\n# [\w.-]+\/[\w.-]+[@ ]/, `${name} names the repository it was written from`);
});

for (const [name, expected] of Object.entries(EXPECTED)) {
  test(`${name}: every image field, at its exact span, and its findings`, () => {
    const text = crdFixture(name);
    const analysis = analyze(text, { maxFileSize: Infinity, fileName: name });
    assert.deepEqual(found(analysis), expected);
    const diagnostics = collectDiagnostics(analysis, DEFAULT_SETTINGS, null).sort((a, b) => a.start - b.start);
    assert.deepEqual(
      diagnostics.map((d) => `${d.code} ${text.slice(d.start, d.end)}`),
      FINDINGS[name],
    );
  });
}

test('docs/where-images-are-found.md names every built-in kind and API group', () => {
  const page = readFileSync(join(CRD_FIXTURES, '..', '..', '..', '..', 'docs', 'where-images-are-found.md'), 'utf8');
  for (const rule of BUILT_IN_RULES) {
    for (const kind of rule.kinds) assert.ok(new RegExp(`\\b${kind}\\b`).test(page), `${kind} is in the page`);
    for (const group of rule.groups) if (group !== '') assert.ok(page.includes(`\`${group}\``), `${group} is in the page`);
  }
});

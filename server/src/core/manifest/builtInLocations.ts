/**
 * Where the resources the analysis knows keep their images: Kubernetes' own workload kinds
 * (workloadKinds.ts) and the custom resources that embed pods or containers, as their projects define
 * them (each group's comment names the types it follows). docs/where-images-are-found.md lists them for
 * people; test/fixtures/manifests/crds/ holds one documented example of each, with its source.
 */
import { CROSSPLANE_RULE, KNATIVE_RULE, KRUISE_IMAGE_PULL_JOB_RULE, KUBERNETES_RULE, KUBEVIRT_RULE, SPARK_RULE } from '../policy/pullPolicy';
import type { PullPolicyRule } from '../policy/pullPolicy';
import { path } from './locationPaths';
import { EPHEMERAL_CONTAINER, IMAGE_VOLUME, INIT_CONTAINER, fieldRule, imageField, imageLocation, locationTable, podSpec, scope } from './locations';
import type { FieldRule, ImageLocation, LocationRule, LocationTable, Scope } from './locations';
import { WORKLOAD_KINDS } from './workloadKinds';

function rule(groups: readonly string[], kinds: readonly string[], scopes: readonly Scope[], root: Partial<Omit<Scope, 'path' | 'scopes'>> = {}): LocationRule {
  return { groups, versions: null, kinds, withoutApiVersion: false, scope: scope('', { ...root, scopes }), objects: [], source: 'built in' };
}

const kubernetes: LocationRule[] = Object.entries(WORKLOAD_KINDS).map(([kind, { podSpecPath, groups }]) => ({
  ...rule(groups, [kind], [podSpec(podSpecPath.join('.'))]),
  withoutApiVersion: true,
}));

/** A container whose image may be left out (another field or the controller supplies it). */
function optionalContainer(label: string, note: string | null = null, role: ImageLocation['role'] = 'container'): ImageLocation {
  return imageLocation({ role, label, note });
}

/**
 * A single image field of a custom resource (not a container): `policy` is the rule of its
 * `imagePullPolicy` beside it, or null where it has no pull policy field (Kubernetes' rule applies).
 */
function singleImage(
  label: string,
  policy: PullPolicyRule | null,
  fields: Partial<Pick<ImageLocation, 'imageKey' | 'policyKey' | 'imageRequired' | 'note'>> = {},
): ImageLocation {
  return imageLocation({ role: 'image', label, policy: policy ?? KUBERNETES_RULE, policyKey: policy === null ? null : 'imagePullPolicy', ...fields });
}

const SIDECAR = optionalContainer('sidecar');
const INIT = optionalContainer('init container', null, 'initContainer');
const VOLUMES = 'volumes[].image';

// Argo Rollouts (argoproj.io): pkg/apis/rollouts/v1alpha1 — Rollout, Experiment, AnalysisTemplate/AnalysisRun job metrics.
const ANALYSIS_JOB = 'spec.metrics[].provider.job.spec.template.spec';
const argoRollouts = [
  rule(['argoproj.io'], ['Rollout'], [podSpec('spec.template.spec')]),
  rule(['argoproj.io'], ['Experiment'], [podSpec('spec.templates[].template.spec')]),
  rule(['argoproj.io'], ['AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun'], [podSpec(ANALYSIS_JOB)]),
];

// Argo Workflows (argoproj.io): pkg/apis/workflow/v1alpha1 WorkflowSpec and Template. An image left out
// of a template comes from spec.templateDefaults or the controller's workflowDefaults.
function workflowSpec(at: string): Scope {
  const template = (inner: string, location: ImageLocation): FieldRule => fieldRule(`templates[].${inner}`, location);
  return scope(at, {
    pullSecrets: [path('imagePullSecrets')],
    fields: [
      template('container', optionalContainer('template container')),
      template('script', optionalContainer('script template')),
      template('containerSet.containers[]', optionalContainer('container set container')),
      template('initContainers[]', INIT),
      template('sidecars[]', SIDECAR),
      fieldRule('templateDefaults.container', optionalContainer('default template container')),
      fieldRule('templateDefaults.script', optionalContainer('default script template')),
      fieldRule(VOLUMES, IMAGE_VOLUME),
      fieldRule(`templates[].${VOLUMES}`, IMAGE_VOLUME),
    ],
  });
}
const argoWorkflows = [
  rule(['argoproj.io'], ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'], [workflowSpec('spec')]),
  rule(['argoproj.io'], ['CronWorkflow'], [workflowSpec('spec.workflowSpec')]),
];

// Tekton Pipelines (tekton.dev): pkg/apis/pipeline/v1 and v1beta1 TaskSpec (steps, sidecars, stepTemplate,
// volumes), embedded in TaskRun, Pipeline and PipelineRun tasks; StepAction (v1alpha1, v1beta1) spec.image.
const STEP = optionalContainer(
  'Tekton step',
  "Tekton runs each step as a container of the TaskRun's pod, one after another; a step without an image takes the stepTemplate's, or its StepAction's (ref).",
);
const TEKTON_SIDECAR = imageLocation({ label: 'Tekton sidecar', imageRequired: true });
const STEP_TEMPLATE = optionalContainer('Tekton step template', 'The stepTemplate gives its image and imagePullPolicy to every step that sets none.');
const STEP_ACTION = singleImage('StepAction', null, {
  note: 'A StepAction has no pull policy of its own: the container of the step that uses it gets the Kubernetes default.',
});
function taskSpec(at: string): Scope {
  return scope(at, {
    fields: [fieldRule('steps[]', STEP), fieldRule('sidecars[]', TEKTON_SIDECAR), fieldRule('stepTemplate', STEP_TEMPLATE), fieldRule(VOLUMES, IMAGE_VOLUME)],
  });
}
const pipelineTasks = (at: string): Scope[] => [taskSpec(`${at}.tasks[].taskSpec`), taskSpec(`${at}.finally[].taskSpec`)];
const POD_TEMPLATES = ['spec.podTemplate', 'spec.taskRunTemplate.podTemplate', 'spec.taskRunSpecs[].podTemplate', 'spec.taskRunSpecs[].taskPodTemplate'];
const tekton = [
  rule(['tekton.dev'], ['Task', 'ClusterTask'], [taskSpec('spec')]),
  rule(['tekton.dev'], ['TaskRun'], [taskSpec('spec.taskSpec')], {
    pullSecrets: [path('spec.podTemplate.imagePullSecrets')],
    fields: [fieldRule(`spec.podTemplate.${VOLUMES}`, IMAGE_VOLUME)],
  }),
  rule(['tekton.dev'], ['Pipeline'], pipelineTasks('spec')),
  rule(['tekton.dev'], ['PipelineRun'], pipelineTasks('spec.pipelineSpec'), {
    pullSecrets: POD_TEMPLATES.map((template) => path(`${template}.imagePullSecrets`)),
    fields: POD_TEMPLATES.map((template) => fieldRule(`${template}.${VOLUMES}`, IMAGE_VOLUME)),
  }),
  rule(['tekton.dev'], ['StepAction'], [], { fields: [imageField('spec.image', STEP_ACTION)] }),
  // Tekton Triggers: a TriggerTemplate's resourcetemplates are whole PipelineRuns and TaskRuns.
  { ...rule(['triggers.tekton.dev'], ['TriggerTemplate'], []), objects: [path('spec.resourcetemplates[]')] },
];

// Knative Serving (serving.knative.dev): pkg/apis/serving/v1 Service and Configuration (spec.template.spec),
// Revision (spec); Knative Eventing's ContainerSource (sources.knative.dev) has a pod template.
const KNATIVE_CONTAINER = imageLocation({
  label: 'container',
  imageRequired: true,
  policy: KNATIVE_RULE,
  note: 'Knative Serving resolves the tag to a digest when it creates a Revision: every pod of that Revision runs the same image, and the next Revision resolves the tag again.',
});
const knative = [
  rule(['serving.knative.dev'], ['Service', 'Configuration'], [podSpec('spec.template.spec', KNATIVE_CONTAINER)]),
  rule(['serving.knative.dev'], ['Revision'], [podSpec('spec', KNATIVE_CONTAINER)]),
  rule(['sources.knative.dev'], ['ContainerSource'], [podSpec('spec.template.spec')]),
];

// KEDA (keda.sh): apis/keda/v1alpha1 ScaledJob.spec.jobTargetRef is a batch/v1 JobSpec.
const keda = [rule(['keda.sh'], ['ScaledJob'], [podSpec('spec.jobTargetRef.template.spec')])];

// OpenKruise (apps.kruise.io): apis/apps/v1alpha1 and v1beta1.
const KRUISE_SIDECAR = imageLocation({
  label: 'SidecarSet container',
  imageRequired: true,
  note: 'A SidecarSet injects this container into the pods it selects.',
});
const KRUISE_PULL = singleImage('ImagePullJob image', KRUISE_IMAGE_PULL_JOB_RULE, {
  imageRequired: true,
  note: 'kruise-daemon pulls the image onto the selected nodes ahead of time; it accepts only Always and IfNotPresent.',
});
const kruise = [
  rule(['apps.kruise.io'], ['CloneSet', 'StatefulSet', 'DaemonSet', 'BroadcastJob'], [podSpec('spec.template.spec')]),
  rule(
    ['apps.kruise.io'],
    ['AdvancedCronJob'],
    [podSpec('spec.template.jobTemplate.spec.template.spec'), podSpec('spec.template.broadcastJobTemplate.spec.template.spec')],
  ),
  rule(['apps.kruise.io'], ['UnitedDeployment'], [podSpec('spec.template.*.spec.template.spec')]),
  rule(['apps.kruise.io'], ['SidecarSet'], [], {
    pullSecrets: [path('spec.imagePullSecrets')],
    fields: [fieldRule('spec.containers[]', KRUISE_SIDECAR), fieldRule('spec.initContainers[]', INIT_CONTAINER), fieldRule(`spec.${VOLUMES}`, IMAGE_VOLUME)],
  }),
  rule(['apps.kruise.io'], ['EphemeralJob'], [], { fields: [fieldRule('spec.template.ephemeralContainers[]', EPHEMERAL_CONTAINER)] }),
  rule(['apps.kruise.io'], ['ImagePullJob'], [], { pullSecrets: [path('spec.pullSecrets')], fields: [imageField('spec.image', KRUISE_PULL)] }),
];

// OpenShift (openshift/api): apps/v1 DeploymentConfig and template/v1 Template; OpenShift 3 wrote both as `apiVersion: v1`.
const openshift = [
  rule(['apps.openshift.io', ''], ['DeploymentConfig'], [podSpec('spec.template.spec')]),
  { ...rule(['template.openshift.io', ''], ['Template'], []), objects: [path('objects[]')] },
];

// KubeVirt (kubevirt.io): staging/src/kubevirt.io/api/core/v1 ContainerDiskSource and KernelBootContainer.
const CONTAINER_DISK = singleImage('containerDisk', KUBEVIRT_RULE, {
  imageRequired: true,
  note: 'KubeVirt pulls the disk image into the virt-launcher pod; imagePullSecret names the one Secret it pulls with.',
});
const KERNEL_BOOT = singleImage('kernel boot container', KUBERNETES_RULE, { imageRequired: true });
function vmiSpec(at: string): Scope {
  return scope(at, {
    fields: [
      fieldRule('volumes[].containerDisk', CONTAINER_DISK, 'imagePullSecret'),
      fieldRule('domain.firmware.kernelBoot.container', KERNEL_BOOT, 'imagePullSecret'),
    ],
  });
}
const kubevirt = [
  rule(['kubevirt.io'], ['VirtualMachineInstance'], [vmiSpec('spec')]),
  rule(['kubevirt.io'], ['VirtualMachine', 'VirtualMachineInstanceReplicaSet'], [vmiSpec('spec.template.spec')]),
  rule(['pool.kubevirt.io'], ['VirtualMachinePool'], [vmiSpec('spec.virtualMachineTemplate.spec.template.spec')]),
];

// Numaflow (numaflow.numaproj.io): pkg/apis/numaflow/v1alpha1 AbstractVertex, MonoVertexSpec, SideInput,
// ServingPipeline. A vertex is a pod of its own, with its own imagePullSecrets. (containerTemplate sets
// the pull policy of Numaflow's own container, whose image is the controller's: no image field.)
const numaflowContainer = (label: string): ImageLocation => optionalContainer(label);
function vertexFields(): FieldRule[] {
  return [
    fieldRule('udf.container', numaflowContainer('UDF container')),
    fieldRule('source.udsource.container', numaflowContainer('user-defined source container')),
    fieldRule('source.transformer.container', numaflowContainer('source transformer container')),
    fieldRule('sink.udsink.container', numaflowContainer('user-defined sink container')),
    fieldRule('sink.fallback.udsink.container', numaflowContainer('fallback sink container')),
    fieldRule('sink.onSuccess.udsink.container', numaflowContainer('on-success sink container')),
    fieldRule('initContainers[]', INIT),
    fieldRule('sidecars[]', SIDECAR),
    fieldRule(VOLUMES, IMAGE_VOLUME),
  ];
}
const vertex = (at: string): Scope => scope(at, { pullSecrets: [path('imagePullSecrets')], fields: vertexFields() });
const sideInputs = (at: string): Scope =>
  scope(at, { fields: [fieldRule('container', numaflowContainer('side input container')), fieldRule(VOLUMES, IMAGE_VOLUME)] });
const NUMAFLOW = ['numaflow.numaproj.io'];
const numaflow = [
  rule(NUMAFLOW, ['Pipeline'], [vertex('spec.vertices[]'), sideInputs('spec.sideInputs[]')]),
  rule(NUMAFLOW, ['MonoVertex'], [vertex('spec')]),
  rule(NUMAFLOW, ['ServingPipeline'], [vertex('spec.pipeline.vertices[]'), sideInputs('spec.pipeline.sideInputs[]')], {
    fields: [fieldRule('spec.serving.store.container', numaflowContainer('serving store container'))],
  }),
];

// Batch and ML operators whose resources hold pod templates.
const KUBEFLOW_JOBS: ReadonlyArray<readonly [string, string]> = [
  ['TFJob', 'tfReplicaSpecs'],
  ['PyTorchJob', 'pytorchReplicaSpecs'],
  ['MPIJob', 'mpiReplicaSpecs'],
  ['XGBoostJob', 'xgbReplicaSpecs'],
  ['PaddleJob', 'paddleReplicaSpecs'],
  ['JAXJob', 'jaxReplicaSpecs'],
  ['MXJob', 'mxReplicaSpecs'],
];
const TRAINER_IMAGE = singleImage('trainer image', null, { note: "The trainer image replaces the runtime's trainer container image." });
const RAY_AUTOSCALER = singleImage('Ray autoscaler image', KUBERNETES_RULE);
const rayCluster = (at: string): Scope[] => [
  podSpec(`${at}.headGroupSpec.template.spec`),
  podSpec(`${at}.workerGroupSpecs[].template.spec`),
  scope('', { fields: [imageField(`${at}.autoscalerOptions.image`, RAY_AUTOSCALER)] }),
];
const SPARK_IMAGE = singleImage('Spark image', SPARK_RULE, {
  note: "The spark-operator passes spec.image and spec.imagePullPolicy to Spark for the driver's and executors' containers.",
});
function sparkApplication(at: string): Scope {
  const role = (part: string): FieldRule[] => [fieldRule(`${at}.${part}.initContainers[]`, INIT), fieldRule(`${at}.${part}.sidecars[]`, SIDECAR)];
  return scope('', {
    pullSecrets: [path(`${at}.imagePullSecrets`)],
    fields: [imageField(`${at}.image`, SPARK_IMAGE), ...role('driver'), ...role('executor'), fieldRule(`${at}.${VOLUMES}`, IMAGE_VOLUME)],
  });
}
const batch = [
  // Kubeflow Training Operator (kubeflow.org/v1): a map of replica type to ReplicaSpec, each with a pod template.
  ...KUBEFLOW_JOBS.map(([kind, specs]) => rule(['kubeflow.org'], [kind], [podSpec(`spec.${specs}.*.template.spec`)])),
  // Kubeflow Trainer (trainer.kubeflow.org/v1alpha1): runtimes hold a JobSet template; a TrainJob may override the trainer's image.
  rule(['trainer.kubeflow.org'], ['TrainingRuntime', 'ClusterTrainingRuntime'], [podSpec('spec.template.spec.replicatedJobs[].template.spec.template.spec')]),
  rule(['trainer.kubeflow.org'], ['TrainJob'], [], { fields: [imageField('spec.trainer.image', TRAINER_IMAGE)] }),
  // KubeRay (ray.io/v1): RayCluster, and the cluster spec of a RayJob or RayService.
  rule(['ray.io'], ['RayCluster'], rayCluster('spec')),
  rule(['ray.io'], ['RayJob'], [...rayCluster('spec.rayClusterSpec'), podSpec('spec.submitterPodTemplate.spec')]),
  rule(['ray.io'], ['RayService'], rayCluster('spec.rayClusterConfig')),
  // JobSet (jobset.x-k8s.io), LeaderWorkerSet (leaderworkerset.x-k8s.io), Volcano (batch.volcano.sh).
  rule(['jobset.x-k8s.io'], ['JobSet'], [podSpec('spec.replicatedJobs[].template.spec.template.spec')]),
  rule(
    ['leaderworkerset.x-k8s.io'],
    ['LeaderWorkerSet'],
    [podSpec('spec.leaderWorkerTemplate.leaderTemplate.spec'), podSpec('spec.leaderWorkerTemplate.workerTemplate.spec')],
  ),
  rule(['batch.volcano.sh'], ['Job'], [podSpec('spec.tasks[].template.spec')]),
  // Spark operator (sparkoperator.k8s.io/v1beta2): the application's image; its driver's and executors' extra containers.
  rule(['sparkoperator.k8s.io'], ['SparkApplication'], [sparkApplication('spec')]),
  rule(['sparkoperator.k8s.io'], ['ScheduledSparkApplication'], [sparkApplication('spec.template')]),
];

// Crossplane (pkg.crossplane.io): apis/pkg PackageSpec (package, packagePullPolicy, packagePullSecrets) and
// DeploymentRuntimeConfig's deployment template.
const PACKAGE = singleImage('Crossplane package', CROSSPLANE_RULE, {
  imageKey: 'package',
  policyKey: 'packagePullPolicy',
  imageRequired: true,
  note: "Crossplane's package manager pulls the package (an OCI image) itself, with packagePullSecrets, not the kubelet.",
});
const RUNTIME_CONTAINER = optionalContainer(
  'container',
  "Crossplane merges this container into the package's runtime Deployment by name (package-runtime is the package's own), so it may leave the image out.",
);
const crossplane = [
  rule(['pkg.crossplane.io'], ['Provider', 'Configuration', 'Function'], [], {
    pullSecrets: [path('spec.packagePullSecrets')],
    fields: [imageField('spec.package', PACKAGE)],
  }),
  rule(['pkg.crossplane.io'], ['DeploymentRuntimeConfig'], [podSpec('spec.deploymentTemplate.spec.template.spec', RUNTIME_CONTAINER)]),
];

// Prometheus Operator (monitoring.coreos.com): pkg/apis/monitoring Prometheus, PrometheusAgent, Alertmanager, ThanosRuler.
const OPERATED_IMAGE = singleImage('image', KUBERNETES_RULE, { note: 'Without an image the operator runs the version it was built for.' });
const MERGED = 'The operator merges these containers into the ones it generates, by name, so one that patches a generated container may leave its image out.';
const prometheusOperator = [
  rule(['monitoring.coreos.com'], ['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler'], [], {
    pullSecrets: [path('spec.imagePullSecrets')],
    fields: [
      imageField('spec.image', OPERATED_IMAGE),
      fieldRule('spec.containers[]', optionalContainer('container', MERGED)),
      fieldRule('spec.initContainers[]', optionalContainer('init container', MERGED, 'initContainer')),
      fieldRule(`spec.${VOLUMES}`, IMAGE_VOLUME),
    ],
  }),
];

export const BUILT_IN_RULES: readonly LocationRule[] = [
  ...kubernetes,
  ...argoRollouts,
  ...argoWorkflows,
  ...tekton,
  ...knative,
  ...keda,
  ...kruise,
  ...openshift,
  ...kubevirt,
  ...numaflow,
  ...batch,
  ...crossplane,
  ...prometheusOperator,
];

/** The table every analysis uses unless a front end adds users' own rules (locationConfig.ts). */
export const BUILT_IN_LOCATIONS: LocationTable = locationTable(BUILT_IN_RULES);

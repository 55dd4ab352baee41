/**
 * What kube-apiserver fills in and refuses for the kinds whose image fields this project reads:
 * pod-spec defaults (imagePullPolicy by the image's tag, terminationMessagePath, restartPolicy…),
 * workload defaults (Deployment replicas, strategy, revisionHistoryLimit, progressDeadlineSeconds),
 * and the validation of containers (name, image, imagePullPolicy) and Service port names with the server's messages.
 * Defaulted fields are owned by nobody, as on the real server.
 */
import { isObject } from './fields';
import type { Json, JsonObject } from './fields';

/** kubelet's and the API server's rule: `:latest` or no tag (and no digest) means Always. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon < 0 || lastPart.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function setDefault(object: JsonObject, key: string, value: Json): void {
  if (object[key] === undefined) object[key] = value;
}

function defaultContainer(container: Json): void {
  if (!isObject(container)) return;
  if (typeof container['image'] === 'string') setDefault(container, 'imagePullPolicy', defaultPullPolicy(container['image']));
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'resources', {});
  const ports = container['ports'];
  if (Array.isArray(ports)) for (const port of ports) if (isObject(port)) setDefault(port, 'protocol', 'TCP');
}

function defaultPodSpec(spec: Json, restartPolicy: string): void {
  if (!isObject(spec)) return;
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (Array.isArray(containers)) containers.forEach(defaultContainer);
  }
  setDefault(spec, 'restartPolicy', restartPolicy);
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
}

function template(spec: Json): JsonObject | undefined {
  const t = isObject(spec) ? spec['template'] : undefined;
  return isObject(t) ? t : undefined;
}

export function applyDefaults(object: JsonObject): void {
  const kind = object['kind'];
  const spec = object['spec'];
  switch (kind) {
    case 'Pod':
      defaultPodSpec(spec, 'Always');
      break;
    case 'Deployment':
      if (isObject(spec)) {
        setDefault(spec, 'replicas', 1);
        setDefault(spec, 'revisionHistoryLimit', 10);
        setDefault(spec, 'progressDeadlineSeconds', 600);
        setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
      }
      defaultPodSpec(template(spec)?.['spec'] ?? null, 'Always');
      break;
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'DaemonSet':
      if (isObject(spec) && kind !== 'DaemonSet') setDefault(spec, 'replicas', 1);
      defaultPodSpec(template(spec)?.['spec'] ?? null, 'Always');
      break;
    case 'Job':
      defaultPodSpec(template(spec)?.['spec'] ?? null, 'Never');
      break;
    case 'CronJob': {
      const jobTemplate = isObject(spec) ? spec['jobTemplate'] : undefined;
      defaultPodSpec(template(isObject(jobTemplate) ? jobTemplate['spec'] : null)?.['spec'] ?? null, 'Never');
      break;
    }
    case 'Service':
      if (isObject(spec)) {
        setDefault(spec, 'type', 'ClusterIP');
        setDefault(spec, 'sessionAffinity', 'None');
        const ports = spec['ports'];
        if (Array.isArray(ports)) {
          for (const port of ports) {
            if (!isObject(port)) continue;
            setDefault(port, 'protocol', 'TCP');
            setDefault(port, 'targetPort', port['port'] ?? null);
          }
        }
      }
      break;
  }
}

export interface FieldError {
  /** `FieldValueRequired`, `FieldValueNotSupported`, `FieldValueInvalid` */
  readonly reason: string;
  readonly field: string;
  readonly message: string;
}

/** Where a kind keeps its pod spec, as the server names the path in field errors. */
function podSpecs(object: JsonObject): { spec: JsonObject; prefix: string }[] {
  const spec = object['spec'];
  if (!isObject(spec)) return [];
  switch (object['kind']) {
    case 'Pod':
      return [{ spec, prefix: 'spec' }];
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'Job': {
      const podSpec = template(spec)?.['spec'];
      return isObject(podSpec) ? [{ spec: podSpec, prefix: 'spec.template.spec' }] : [];
    }
    case 'CronJob': {
      const jobTemplate = spec['jobTemplate'];
      const podSpec = template(isObject(jobTemplate) ? jobTemplate['spec'] : null)?.['spec'];
      return isObject(podSpec) ? [{ spec: podSpec, prefix: 'spec.jobTemplate.spec.template.spec' }] : [];
    }
    default:
      return [];
  }
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/** ValidateService's rules for port names: with more than one port each needs one, and no two are the same. */
function servicePortErrors(spec: Json | undefined): FieldError[] {
  const ports = isObject(spec) ? spec['ports'] : undefined;
  if (!Array.isArray(ports)) return [];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const name = isObject(port) && typeof port['name'] === 'string' ? port['name'] : '';
    const field = `spec.ports[${i}].name`;
    if (name === '') {
      if (ports.length > 1) errors.push({ reason: 'FieldValueRequired', field, message: 'Required value' });
    } else if (names.has(name)) {
      errors.push({ reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${JSON.stringify(name)}` });
    } else {
      names.add(name);
    }
  });
  return errors;
}

/** The errors the server reports for the image-related fields (and a Deployment's selector). */
export function validate(object: JsonObject): FieldError[] {
  const errors: FieldError[] = [];
  for (const { spec, prefix } of podSpecs(object)) {
    for (const list of ['initContainers', 'containers']) {
      const containers = spec[list];
      if (list === 'containers' && (!Array.isArray(containers) || containers.length === 0)) {
        errors.push({ reason: 'FieldValueRequired', field: `${prefix}.containers`, message: 'Required value' });
        continue;
      }
      if (!Array.isArray(containers)) continue;
      containers.forEach((container, i) => {
        const at = `${prefix}.${list}[${i}]`;
        if (!isObject(container)) return;
        if (typeof container['name'] !== 'string' || container['name'] === '') {
          errors.push({ reason: 'FieldValueRequired', field: `${at}.name`, message: 'Required value' });
        }
        if (typeof container['image'] !== 'string' || container['image'].trim() === '') {
          errors.push({ reason: 'FieldValueRequired', field: `${at}.image`, message: 'Required value' });
        }
        const policy = container['imagePullPolicy'];
        if (policy !== undefined && !PULL_POLICIES.includes(String(policy))) {
          errors.push({
            reason: 'FieldValueNotSupported',
            field: `${at}.imagePullPolicy`,
            message: `Unsupported value: ${JSON.stringify(policy)}: supported values: ${PULL_POLICIES.map((p) => `"${p}"`).join(', ')}`,
          });
        }
      });
    }
  }
  if (object['kind'] === 'Service') errors.push(...servicePortErrors(object['spec']));
  if (['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet'].includes(String(object['kind']))) {
    const spec = object['spec'];
    if (!isObject(spec) || !isObject(spec['selector'])) {
      errors.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
    }
  }
  return errors;
}

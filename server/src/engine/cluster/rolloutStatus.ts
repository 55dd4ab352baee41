/**
 * kubectl's rollout status viewers (kubectl/pkg/polymorphichelpers/rollout_status.go) for
 * Deployment, StatefulSet and DaemonSet, with the same messages: whether a workload's rollout is
 * done, still going, or cannot finish as it is.
 */
import { apiGroup } from '../../core';
import type { KubeObject, ObjectRef } from '../../cluster';
import { record } from '../../core/json';
import type { Fields } from './objects';

export interface RolloutStatus {
  /** The rollout finished (kubectl exits 0). */
  readonly done: boolean;
  /** The rollout cannot finish as it is (kubectl exits with an error), e.g. ProgressDeadlineExceeded. */
  readonly failed: boolean;
  readonly message: string;
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function optionalNum(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function waiting(message: string): RolloutStatus {
  return { done: false, failed: false, message };
}

const ROLLING_UPDATE = 'RollingUpdate';

function deploymentStatus(name: string, generation: number, spec: Fields, status: Fields): RolloutStatus {
  if (generation > num(status.observedGeneration)) return waiting('Waiting for deployment spec update to be observed...');
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(record) : [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  const replicas = optionalNum(spec.replicas);
  const updated = num(status.updatedReplicas);
  if (replicas !== null && updated < replicas) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`);
  }
  if (num(status.replicas) > updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${num(status.replicas) - updated} old replicas are pending termination...`);
  }
  if (num(status.availableReplicas) < updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${num(status.availableReplicas)} of ${updated} updated replicas are available...`);
  }
  return { done: true, failed: false, message: `deployment "${name}" successfully rolled out` };
}

/** The API server defaults updateStrategy.type to RollingUpdate; a plain object without one reads the same. */
function strategyType(spec: Fields): string {
  const type = record(spec.updateStrategy).type;
  return typeof type === 'string' ? type : ROLLING_UPDATE;
}

function onlyRollingUpdate(): RolloutStatus {
  return { done: true, failed: true, message: `rollout status is only available for ${ROLLING_UPDATE} strategy type` };
}

function daemonSetStatus(name: string, generation: number, spec: Fields, status: Fields): RolloutStatus {
  if (strategyType(spec) !== ROLLING_UPDATE) return onlyRollingUpdate();
  if (generation > num(status.observedGeneration)) return waiting('Waiting for daemon set spec update to be observed...');
  const desired = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  if (updated < desired) return waiting(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  const available = num(status.numberAvailable);
  if (available < desired) return waiting(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`);
  return { done: true, failed: false, message: `daemon set "${name}" successfully rolled out` };
}

function statefulSetStatus(generation: number, spec: Fields, status: Fields): RolloutStatus {
  if (strategyType(spec) !== ROLLING_UPDATE) return onlyRollingUpdate();
  const observed = num(status.observedGeneration);
  if (observed === 0 || generation > observed) return waiting('Waiting for statefulset spec update to be observed...');
  const replicas = optionalNum(spec.replicas);
  const ready = num(status.readyReplicas);
  if (replicas !== null && ready < replicas) return waiting(`Waiting for ${replicas - ready} pods to be ready...`);
  const updated = num(status.updatedReplicas);
  const rollingUpdate = record(spec.updateStrategy).rollingUpdate;
  if (rollingUpdate !== undefined && rollingUpdate !== null) {
    const partition = optionalNum(record(rollingUpdate).partition);
    if (replicas !== null && partition !== null && updated < replicas - partition) {
      return waiting(`Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`);
    }
    return { done: true, failed: false, message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (status.updateRevision !== status.currentRevision) {
    return waiting(`waiting for statefulset rolling update to complete ${updated} pods at revision ${String(status.updateRevision ?? '')}...`);
  }
  return {
    done: true,
    failed: false,
    message: `statefulset rolling update complete ${num(status.currentReplicas)} pods at revision ${String(status.currentRevision ?? '')}...`,
  };
}

const VIEWERS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['apps', 'extensions'],
  DaemonSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
};

/** Whether kubectl has a rollout status for this kind. */
export function hasRolloutStatus(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): boolean {
  return VIEWERS[ref.kind]?.includes(apiGroup(ref.apiVersion)) ?? false;
}

export function rolloutStatus(object: KubeObject): RolloutStatus {
  const name = object.metadata.name ?? '';
  const generation = object.metadata.generation ?? 0;
  const spec = record(object.spec);
  const status = record(object.status);
  if (!hasRolloutStatus(object)) {
    return { done: false, failed: true, message: `no status viewer has been implemented for ${object.kind}.${apiGroup(object.apiVersion)}` };
  }
  if (object.kind === 'Deployment') return deploymentStatus(name, generation, spec, status);
  if (object.kind === 'DaemonSet') return daemonSetStatus(name, generation, spec, status);
  return statefulSetStatus(generation, spec, status);
}

/**
 * The server's commands, and what they take and return over workspace/executeCommand: plain JSON,
 * shared with the VS Code client (client/src/pin), which previews the pins and applies them itself.
 * Positions are LSP's (0-based lines, UTF-16 characters).
 */
import type { Position, TextEdit } from 'vscode-languageserver/node';
import type { RateLimitFact, ScanFact } from '../core';

/** The commands the server implements (its executeCommandProvider). */
export const COMMANDS = {
  pinWorkspace: 'imageAware.pinWorkspace',
  refreshRegistry: 'imageAware.refreshRegistry',
  scanImage: 'imageAware.scanImage',
  nodePlatforms: 'imageAware.nodePlatforms',
} as const;

/** What the server tells the client on its own (notifications), beside the LSP ones. */
export const NOTIFICATIONS = {
  registryStatus: 'imageAware/registryStatus',
} as const;

/**
 * How the last questions to one registry went: it answered (`reachable`), could not be reached
 * (network, time, TLS), refused the credentials tried, asked to slow down (`too-much`), or sent
 * answers that cannot be used (`invalid`).
 */
export type RegistryState = 'reachable' | 'unreachable' | 'refused' | 'too-much' | 'invalid';

export interface RegistryStatusEntry {
  /** The registry as the images write it (`Envoyproxy`, `ghcr.io`, `127.0.0.1:5000`). */
  readonly host: string;
  readonly state: RegistryState;
  /** One sentence for people; null when it answered. */
  readonly reason: string | null;
  /** When it last answered or failed, as an ISO 8601 time. */
  readonly when: string;
  /** The pull rate limit it announced last (RateLimit-Limit, RateLimit-Remaining), when it announced one. */
  readonly rateLimit?: RateLimitFact;
}

/**
 * imageAware/registryStatus: every registry the open documents ask, one entry each, sorted by host;
 * sent whenever one changes (and empty when none is asked, or the registry check is off). A rate limit alone
 * changing is sent only when it changes step or turns low, at most once per few seconds (registryStatus.ts).
 */
export interface RegistryStatusParams {
  readonly registries: readonly RegistryStatusEntry[];
}

/** The argument object of imageAware.refreshRegistry: a pushed tag to ask again, a registry to ask again, or neither (ask everything again). */
export interface RefreshRegistryArguments {
  readonly image?: string;
  readonly registry?: string;
}

/**
 * The argument object of imageAware.nodePlatforms: the platforms (`os/arch`) of the nodes of the Kubernetes context
 * the client picked, the targets of platform-missing unless imageAware.platforms.targets names some; `platforms: []`
 * when no context is picked or its nodes could not be listed.
 */
export interface NodePlatformsArguments {
  readonly context: string;
  readonly platforms: readonly string[];
}

/** The argument object of imageAware.pinWorkspace. */
export interface PinWorkspaceArguments {
  /**
   * False: compute the pins and return them (`pins`) without applying anything, for a client that
   * previews them and applies the edit itself. True (the default): apply them with workspace/applyEdit.
   */
  readonly apply?: boolean;
}

/** One image the command pins: the edit, valid for `version` of the document (null: the file as read from disk). */
export interface PlannedPin {
  readonly uri: string;
  readonly version: number | null;
  /** The line of the image value. */
  readonly line: number;
  /** The image as written. */
  readonly image: string;
  /** The image the workload runs once pinned (for a kustomize entry: what it rewrites images to). */
  readonly pinned: string;
  readonly edit: TextEdit;
  /** The text `edit` replaces, so a client can check the document still holds it. */
  readonly replaces: string;
}

/** An image (or a place) the command leaves as it is, and why. */
export interface NotPinned {
  readonly uri: string;
  readonly line: number;
  /** The image value as written; null for a place where the analysis stopped short (images past it were not read). */
  readonly image: string | null;
  readonly reason: string;
}

export interface PinWorkspaceResult {
  /** Whether the registries were asked: false when imageAware.registry.online is off (`message` says so). */
  readonly asked: boolean;
  /** Whether the edit was applied (false also when there was nothing to pin, and always with `apply: false`). */
  readonly applied: boolean;
  readonly pinned: number;
  readonly files: number;
  /** Every pin, in file order; only with `apply: false`. */
  readonly pins: readonly PlannedPin[];
  /** Images with a tag and no digest that could not be pinned: the registry does not have the tag or failed, or the edit was refused. */
  readonly skipped: readonly NotPinned[];
  /** Image fields no pin can touch (placeholders, ko:// values, values that are no reference) and places where the analysis stopped short. */
  readonly unpinnable: readonly NotPinned[];
  readonly message: string;
}

/** The argument object of imageAware.scanImage. */
export interface ScanImageArguments {
  /** The image to scan (any reference: one by tag is scanned by the digest its registry serves now); without it, the image at `position` in `uri`. */
  readonly image?: string;
  /** An open document, with `position`: the image there is scanned. */
  readonly uri?: string;
  readonly position?: Position;
  /** Run the scanner even when a result of the last day is cached. */
  readonly fresh?: boolean;
}

export interface ScanImageResult {
  /** `domain/path@digest`, the image scanned; null when nothing was. */
  readonly image: string | null;
  /** What the scan found (with the scanner and when it ran); null when nothing was scanned. */
  readonly scan: ScanFact | null;
  /** True when the result is one of the last day from the cache and no scanner ran. */
  readonly cached: boolean;
  /** One sentence for people: what was found, or why nothing was scanned. */
  readonly message: string;
}

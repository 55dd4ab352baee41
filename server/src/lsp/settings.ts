/**
 * Settings per document, pulled from the client with workspace/configuration for the document's
 * own scope (settings are `resource`-scoped, so a folder can override them).
 * Answers are cached as promises, so concurrent requests for one document share a round trip.
 * The cache is cleared when the client reports a configuration change.
 * A client without the configuration request gets the settings it pushes with
 * didChangeConfiguration, or the defaults.
 */
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, parseSettings } from '../core';
import type { Settings } from '../core';

export const SETTINGS_SECTION = 'imageAware';
/** The setting that sets Settings.maxFileSize, as analyze() names it in the not-analysed message. */
export const SIZE_LIMIT_SETTING = `${SETTINGS_SECTION}.limits.maxFileSizeMB`;

export class SettingsStore {
  private readonly byUri = new Map<string, Promise<Settings>>();
  private pushed: Settings = DEFAULT_SETTINGS;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
  ) {}

  forDocument(uri: string): Promise<Settings> {
    if (!this.canPull) return Promise.resolve(this.pushed);
    let settings = this.byUri.get(uri);
    if (!settings) {
      settings = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(parseSettings, (error: unknown) => {
        this.connection.console.error(`Reading the ${SETTINGS_SECTION} settings for ${uri} failed; using the defaults. ${String(error)}`);
        return DEFAULT_SETTINGS;
      });
      this.byUri.set(uri, settings);
    }
    return settings;
  }

  /** The settings without a document scope (user and workspace level), for commands that span the workspace. */
  global(): Promise<Settings> {
    if (!this.canPull) return Promise.resolve(this.pushed);
    return this.connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).then(parseSettings, (error: unknown) => {
      this.connection.console.error(`Reading the ${SETTINGS_SECTION} settings failed; using the defaults. ${String(error)}`);
      return DEFAULT_SETTINGS;
    });
  }

  /** Takes a didChangeConfiguration payload: `settings` holds the section only when the client pushes it. */
  changed(payload: unknown): void {
    this.byUri.clear();
    const pushed = payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
    this.pushed = parseSettings(pushed);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}
